import type { ScryonConfig } from "@scryon/config";
import type { FastifyServerOptions } from "fastify";

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Digit runs inside identifiers (UUIDs, hex) are not phone numbers: they must stand alone.
const PHONE = /(?<![\w-])\+?\d[\d ()./-]{6,}\d(?![\w-])/g;

/** Masks e-mail addresses and phone numbers in any string that reaches a log line (docs/contract.md § Privacy rules). */
export function maskPii(value: string): string {
  return value.replace(EMAIL, "[email]").replace(PHONE, (match) => `[phone …${match.replace(/\D/g, "").slice(-2)}]`);
}

export function loggerOptions(config: ScryonConfig): FastifyServerOptions["logger"] {
  if (config.logLevel === "silent") return false;
  return {
    level: config.logLevel,
    redact: {
      paths: ["req.headers.authorization", 'req.headers["x-scryon-api-key"]', "req.headers.cookie"],
      censor: "[redacted]",
    },
    serializers: {
      req: (request: { method: string; url: string; id: string }) => ({
        method: request.method,
        url: maskPii(request.url),
        id: request.id,
      }),
    },
    formatters: {
      log: (object: Record<string, unknown>) => {
        for (const [key, value] of Object.entries(object)) if (typeof value === "string") object[key] = maskPii(value);
        return object;
      },
    },
  };
}
