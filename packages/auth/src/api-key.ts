import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Constant-time API key check. Both sides are hashed first so the comparison
 * always runs over 32 bytes and the expected key's length never leaks through
 * timing. An empty expected key never matches (a guard must not be open by
 * accident).
 */
export function verifyApiKey(provided: string | undefined, expected: string): boolean {
  if (expected.length === 0 || provided === undefined) return false;
  return timingSafeEqual(sha256(provided), sha256(expected));
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
