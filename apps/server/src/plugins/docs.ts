import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";

/** A readable API reference at /docs, rendered from the same OpenAPI document as /api/openapi.json. */
export async function docsPlugin(app: FastifyInstance, options: { document: object }) {
  await app.register(swagger, { mode: "static", specification: { document: options.document as never } });
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    staticCSP: true,
    uiConfig: { docExpansion: "list", deepLinking: true },
  });
}
