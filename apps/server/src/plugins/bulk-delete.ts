import { errors } from "@scryon/api";

/** DELETE /api/calls takes `{callIds}` as a JSON body; validated again by the procedure's schema. */
export function bulkDeleteBody(body: unknown): { callIds: string[] } {
  if (typeof body !== "object" || body === null || !("callIds" in body))
    throw errors.validation('Body must be {"callIds": [...]}', { fields: [{ path: "callIds", message: "required" }] });
  return body as { callIds: string[] };
}
