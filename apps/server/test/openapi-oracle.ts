/**
 * The served OpenAPI document as the test oracle: every response the HTTP suite
 * receives from `/api/*` is checked against the operation it answers — the status
 * is listed, the content type is one the document names, a JSON body validates
 * (Ajv, with formats), an error carries one of the codes listed for that status,
 * and a 204 has no body and no content type. Mismatches fail the test that saw
 * them (see oracle.setup.ts), so the document cannot drift from the server.
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

interface MediaType {
  schema?: unknown;
}
interface Response {
  content?: Record<string, MediaType>;
  "x-error-codes"?: string[];
}
interface Operation {
  responses?: Record<string, Response>;
}
interface Document {
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components?: unknown;
}

export interface ObservedResponse {
  method: string;
  url: string;
  status: number;
  contentType: string | null;
  body: string;
}

/** `$ref`s into the document point at the copy registered under this id. */
const DOCUMENT_ID = "openapi";

function withDocumentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withDocumentRefs);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === "$schema") continue; // zod's per-schema dialect marker; the whole document is 2020-12
    out[key] =
      key === "$ref" && typeof inner === "string" && inner.startsWith("#/")
        ? `${DOCUMENT_ID}${inner}`
        : withDocumentRefs(inner);
  }
  return out;
}

export function createOpenApiOracle(document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOCUMENT_ID, components: withDocumentRefs(document.components ?? {}) });
  const base = new URL(document.servers?.[0]?.url ?? "/", "http://oracle").pathname.replace(/\/$/, "");

  // Literal paths before templated ones, so /calls/status is not read as /calls/{id}.
  const routes = Object.entries(document.paths)
    .map(([template, operations]) => ({
      template,
      operations,
      params: (template.match(/\{/g) ?? []).length,
      pattern: new RegExp(`^${base}${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
    }))
    .sort((a, b) => a.params - b.params);

  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (key: string, schema: unknown) => {
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(withDocumentRefs(schema) as object);
      validators.set(key, validate);
    }
    return validate;
  };

  /** What is wrong with a response, per the document; empty when it conforms. */
  function check(observed: ObservedResponse): string[] {
    const method = observed.method.toLowerCase();
    const pathname = new URL(observed.url).pathname;
    const shown = pathname.length > 120 ? `${pathname.slice(0, 117)}...` : pathname;
    const where = `${observed.method} ${shown} → ${observed.status}`;
    const route = routes.find((candidate) => candidate.pattern.test(pathname) && candidate.operations[method]);
    const operation = route?.operations[method];
    let response: Response | undefined;
    if (!operation) {
      // A path or method the API does not have: only the generic 404 is documented for it.
      if (observed.status !== 404) return [`${where}: no documented operation answers this request`];
      response = { content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
      response["x-error-codes"] = ["not_found"];
    } else {
      response = operation.responses?.[String(observed.status)] ?? operation.responses?.default;
      if (!response) return [`${where}: status not listed for ${method.toUpperCase()} ${route!.template}`];
    }

    const mediaType = observed.contentType?.split(";")[0]?.trim().toLowerCase() ?? null;
    if (observed.status === 204 || !response.content) {
      const problems: string[] = [];
      if (observed.body !== "") problems.push(`${where}: a body where the document says none`);
      if (mediaType) problems.push(`${where}: content-type ${mediaType} where the document says no body`);
      return problems;
    }
    if (!mediaType || !response.content[mediaType])
      return [`${where}: content-type ${mediaType} not among ${Object.keys(response.content).join(", ")}`];
    const schema = response.content[mediaType]?.schema;
    if (!mediaType.endsWith("json") || schema === undefined) return [];

    let body: unknown;
    try {
      body = JSON.parse(observed.body);
    } catch {
      return [`${where}: body is not JSON`];
    }
    const validate = validatorFor(`${route?.template ?? "*"} ${method} ${observed.status} ${mediaType}`, schema);
    const problems: string[] = [];
    if (!validate(body))
      problems.push(
        `${where}: body does not match the schema: ${ajv.errorsText(validate.errors, { separator: "; " })}`,
      );
    const codes = response["x-error-codes"];
    const code = (body as { error?: { code?: string } } | null)?.error?.code;
    if (codes && !codes.includes(code ?? ""))
      problems.push(`${where}: error code ${code} not among ${codes.join(", ")}`);
    return problems;
  }

  return { check };
}
