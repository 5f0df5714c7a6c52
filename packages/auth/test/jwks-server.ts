import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWK } from "jose";

/**
 * A stand-in for Google's securetoken JWKS endpoint: same path shape, same
 * JSON body (`{"keys":[…]}`) and caching headers. The served key set can be
 * swapped to simulate Google rotating its signing keys.
 */
export type JwksServer = {
  url: string;
  requestCount(): number;
  serveKeys(keys: JWK[]): void;
  /** Stops listening (connections refused), as an outage of the key server would. */
  goDown(): Promise<void>;
  /** Listens again on the same port. */
  comeBack(): Promise<void>;
  close(): Promise<void>;
};

export async function startJwksServer(initialKeys: JWK[]): Promise<JwksServer> {
  let keys = initialKeys;
  let requests = 0;
  const path = "/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com";

  const server: Server = createServer((request, response) => {
    if (request.method !== "GET" || request.url !== path) {
      response.writeHead(404, { "content-type": "text/html; charset=UTF-8" }).end("Not Found");
      return;
    }
    requests += 1;
    response
      .writeHead(200, {
        "content-type": "application/json; charset=UTF-8",
        "cache-control": "public, max-age=21600, must-revalidate, no-transform",
      })
      .end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const stop = () =>
    new Promise<void>((resolve, reject) => {
      if (!server.listening) return resolve();
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });

  return {
    url: `http://127.0.0.1:${port}${path}`,
    requestCount: () => requests,
    serveKeys(next) {
      keys = next;
    },
    goDown: stop,
    comeBack: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    close: stop,
  };
}
