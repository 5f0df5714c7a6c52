import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { sleep } from "./profile";

export interface HttpAnswer {
  status: number;
  body: any;
}

/**
 * POST /api/calls/analyze as a multipart upload over node:http, so the client's
 * source address can be chosen (127.0.0.x): the upload route is rate-limited per
 * address, and a load test of many clients must look like many clients.
 */
export async function upload(
  baseUrl: string,
  filePath: string,
  options: { metadata?: unknown; idempotencyKey?: string; localAddress?: string } = {},
): Promise<HttpAnswer> {
  const boundary = `----scryon-${randomUUID()}`;
  const parts: Buffer[] = [];
  if (options.metadata !== undefined)
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(options.metadata)}\r\n`,
      ),
    );
  parts.push(
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${path.basename(filePath)}"\r\ncontent-type: application/octet-stream\r\n\r\n`,
    ),
    await fs.readFile(filePath),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  const body = Buffer.concat(parts);
  const url = new URL("/api/calls/analyze", baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent: false,
        ...(options.localAddress && { localAddress: options.localAddress }),
        headers: {
          "content-type": `multipart/form-data; boundary=${boundary}`,
          "content-length": body.length,
          ...(options.idempotencyKey && { "idempotency-key": options.idempotencyKey }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            // kept as text: the assertion shows what came back
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

export async function getJson(url: string): Promise<HttpAnswer> {
  const response = await fetch(url);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body };
}

export const TERMINAL = new Set(["COMPLETED", "FAILED"]);

/** Statuses of many calls through the bulk endpoint (100 ids a request). */
export async function statuses(baseUrl: string, ids: string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 100) {
    const { status, body } = await getJson(`${baseUrl}/api/calls/status?ids=${ids.slice(i, i + 100).join(",")}`);
    if (status !== 200) throw new Error(`status poll answered ${status}`);
    for (const item of body.items as Array<{ callId: string; status: string }>) result.set(item.callId, item.status);
  }
  return result;
}

/** Waits until every call is COMPLETED or FAILED; throws naming the stragglers. */
export async function waitAllTerminal(baseUrl: string, ids: string[], timeoutMs: number): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await statuses(baseUrl, ids);
    const pending = ids.filter((id) => !TERMINAL.has(now.get(id) ?? ""));
    if (pending.length === 0) return now;
    if (Date.now() > deadline)
      throw new Error(
        `${pending.length} calls not terminal after ${timeoutMs} ms: ${pending
          .slice(0, 5)
          .map((id) => `${id}=${now.get(id) ?? "missing"}`)
          .join(", ")}`,
      );
    await sleep(250);
  }
}

/** Every call of the (local-dev) user, following the list cursor. */
export async function listAllCalls(
  baseUrl: string,
): Promise<Array<{ callId: string; status: string; actionItemCount: number }>> {
  const calls: Array<{ callId: string; status: string; actionItemCount: number }> = [];
  let cursor: string | undefined;
  do {
    const { status, body } = await getJson(
      `${baseUrl}/api/calls?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    if (status !== 200) throw new Error(`list answered ${status}`);
    calls.push(...body.items);
    cursor = body.nextCursor ?? undefined;
  } while (cursor);
  return calls;
}

/** Every file under a directory, as paths relative to it. */
export async function filesUnder(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}
