import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/** The dashboard's production build (`npm run build -w @scryon/web`). */
const DEFAULT_WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../web/dist");

/** Paths that belong to the API and docs: never answered with the dashboard. */
const SERVER_PATH = /^\/(api|trpc|docs)(\/|$)/;

/**
 * Serves the built dashboard at `/`. Unknown non-API GETs fall back to
 * index.html, so a deep link into the app still loads it. Without a build the
 * plugin does nothing but say so: the API works on its own.
 */
export async function webPlugin(app: FastifyInstance, options: { distDir?: string } = {}) {
  const root = options.distDir ?? DEFAULT_WEB_DIST;
  if (!existsSync(path.join(root, "index.html"))) {
    app.log.warn({ distDir: root }, "dashboard not built; serving the API only (run `npm run build -w @scryon/web`)");
    return;
  }

  await app.register(fastifyStatic, {
    root,
    // One route per built file instead of a catch-all, so the fallback below and
    // the API's own 404s stay in charge of everything else.
    wildcard: false,
    // Our own cache headers below; the plugin's default would mark index.html cacheable.
    cacheControl: false,
    // Hashed assets never change; index.html must always be revalidated.
    setHeaders: (response, filePath) => {
      response.setHeader(
        "cache-control",
        filePath.includes(`${path.sep}assets${path.sep}`) ? "public, max-age=31536000, immutable" : "no-cache",
      );
    },
  });

  app.get("/*", async (request, reply) => {
    const pathname = request.url.split("?")[0] ?? "/";
    if (SERVER_PATH.test(pathname) || path.extname(pathname) !== "") return reply.callNotFound();
    return reply.header("cache-control", "no-cache").sendFile("index.html");
  });
}
