import { errors } from "@scryon/api";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** No legitimate request nests deeper than this; deep nesting is a stack-exhaustion attack. */
export const MAX_JSON_DEPTH = 32;

/** Nesting depth of a JSON text, scanning once and skipping string contents. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * Fastify's own JSON parser (prototype-poisoning protection, body limit), with a
 * nesting-depth cap in front of it: bad JSON is a 400, never a 500.
 */
export const jsonBodyPlugin = fp(async (app: FastifyInstance) => {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      done(errors.validation(`JSON nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    // No field of ours takes a NUL character, and PostgreSQL text cannot store one.
    if (/\\u0000/i.test(text)) {
      done(errors.validation("Strings must not contain NUL characters"), undefined);
      return;
    }
    parse(request, text, done);
  });
});
