import { type ApiError, errors } from "@scryon/api";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** No legitimate request nests deeper than this; deep nesting is a stack-exhaustion attack. */
const MAX_JSON_DEPTH = 32;

/** Nesting depth of a JSON text, scanning once and skipping string contents. */
function jsonDepth(text: string): number {
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
 * Whether a JSON text may nest past MAX_JSON_DEPTH at all: not with fewer opening brackets than that (those in
 * strings only add to the count). The engine's indexOf finds them far faster than jsonDepth's loop reads every
 * character, and almost every text has a handful: the status poll's `?input=` took 5 µs to check before.
 */
function mayNestTooDeep(text: string): boolean {
  let opening = 0;
  for (const bracket of ["{", "["])
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1))
      if (++opening > MAX_JSON_DEPTH) return true;
  return false;
}

/** Whether the text holds `\u0000` (or `\U0000`), the escaped NUL, anywhere. */
function hasEscapedNul(text: string): boolean {
  for (let at = text.indexOf("\\"); at !== -1; at = text.indexOf("\\", at + 1)) {
    const u = text.charCodeAt(at + 1);
    if ((u === 117 || u === 85) && text.startsWith("0000", at + 2)) return true; // u or U
  }
  return false;
}

/**
 * The one set of JSON guards, applied before any procedure runs to every JSON
 * text a client sends — REST bodies, tRPC bodies and tRPC `?input=` alike
 * (docs/contract.md § Errors): nesting past MAX_JSON_DEPTH and NUL characters are
 * a 400 `validation_failed`. (Size is Fastify's body limit, the same for both.)
 */
export function jsonTextProblem(text: string): ApiError | null {
  if (mayNestTooDeep(text) && jsonDepth(text) > MAX_JSON_DEPTH)
    return errors.validation(`JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
  // No field of ours takes a NUL character, and PostgreSQL text cannot store one.
  if (text.includes("\0") || hasEscapedNul(text)) return errors.validation("Strings must not contain NUL characters");
  return null;
}

/**
 * Fastify's own JSON parser (prototype-poisoning protection, body limit), with
 * the JSON guards in front of it: bad JSON is a 400, never a 500.
 */
export const jsonBodyPlugin = fp(async (app: FastifyInstance) => {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const problem = jsonTextProblem(body as string);
    if (problem) {
      done(problem, undefined);
      return;
    }
    parse(request, body as string, done);
  });
});
