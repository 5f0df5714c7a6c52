import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * The real Firebase Auth emulator (firebase-tools, pure JS, no download),
 * started as a child process on free local ports in a throwaway directory.
 */
export type AuthEmulator = {
  /** `host:port`, the value FIREBASE_AUTH_EMULATOR_HOST takes. */
  host: string;
  projectId: string;
  signUp(account: {
    email: string;
    password: string;
    displayName?: string;
  }): Promise<{ localId: string; idToken: string }>;
  signIn(account: { email: string; password: string }): Promise<{ localId: string; idToken: string }>;
  disableUser(localId: string): Promise<void>;
  /** What Admin SDK `revokeRefreshTokens` does: tokens issued before now stop being valid. */
  revokeTokens(localId: string): Promise<void>;
  deleteUser(localId: string): Promise<void>;
  stop(): Promise<void>;
};

const require = createRequire(import.meta.url);
const FIREBASE_CLI = join(dirname(require.resolve("firebase-tools/package.json")), "lib/bin/firebase.js");

export async function startAuthEmulator(projectId: string, startupTimeoutMs = 150_000): Promise<AuthEmulator> {
  const workDir = await mkdtemp(join(tmpdir(), "scryon-auth-emulator-"));
  const [authPort, hubPort, loggingPort] = [await freePort(), await freePort(), await freePort()];
  await writeFile(
    join(workDir, "firebase.json"),
    JSON.stringify({
      emulators: {
        auth: { host: "127.0.0.1", port: authPort },
        hub: { host: "127.0.0.1", port: hubPort },
        logging: { host: "127.0.0.1", port: loggingPort },
        ui: { enabled: false },
      },
    }),
  );

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // CI=1 skips the CLI's message-of-the-day fetch (no network here); the
    // rest keeps its config store and hub locator out of shared locations.
    CI: "1",
    XDG_CONFIG_HOME: join(workDir, "config"),
    TMPDIR: workDir,
  };
  delete env.FIREBASE_AUTH_EMULATOR_HOST;

  const child = spawn(process.execPath, [FIREBASE_CLI, "emulators:start", "--only", "auth", "--project", projectId], {
    cwd: workDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const host = `127.0.0.1:${authPort}`;
  const baseUrl = `http://${host}`;
  try {
    await waitUntilReady(baseUrl, child, startupTimeoutMs);
  } catch (error) {
    await stopChild(child);
    await rm(workDir, { recursive: true, force: true });
    throw new Error(`Auth emulator did not start: ${(error as Error).message}\n${output.slice(-2000)}`);
  }

  const identityToolkit = `${baseUrl}/identitytoolkit.googleapis.com/v1`;
  // The emulator accepts any API key for client calls and "owner" as the admin bearer token.
  const clientCall = (method: string, body: unknown) =>
    post(`${identityToolkit}/accounts:${method}?key=emulator`, body);
  const adminCall = (method: string, body: unknown) =>
    post(`${identityToolkit}/projects/${projectId}/accounts:${method}`, body, { authorization: "Bearer owner" });

  return {
    host,
    projectId,
    async signUp(account) {
      return tokenResponse(await clientCall("signUp", { ...account, returnSecureToken: true }));
    },
    async signIn(account) {
      return tokenResponse(await clientCall("signInWithPassword", { ...account, returnSecureToken: true }));
    },
    async disableUser(localId) {
      await adminCall("update", { localId, disableUser: true });
    },
    async revokeTokens(localId) {
      await adminCall("update", { localId, validSince: String(Math.floor(Date.now() / 1000)) });
    },
    async deleteUser(localId) {
      await adminCall("delete", { localId });
    },
    async stop() {
      await stopChild(child);
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`Auth emulator ${url} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

function tokenResponse(json: Record<string, unknown>): { localId: string; idToken: string } {
  const { localId, idToken } = json;
  if (typeof localId !== "string" || typeof idToken !== "string") throw new Error("Auth emulator returned no token");
  return { localId, idToken };
}

async function waitUntilReady(baseUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`firebase CLI exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${baseUrl}/`);
      const body = (await response.json()) as { authEmulator?: { ready?: boolean } };
      if (body.authEmulator?.ready) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready after ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const forced = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(forced);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
