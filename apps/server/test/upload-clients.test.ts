/**
 * The upload as clients this project did not write send it: the exact multipart
 * bytes of OkHttp/Retrofit (an application/json `metadata` part), a browser
 * FormData with a Blob (a `metadata` file part named "blob"), curl's `-F` forms and
 * a plain text field. Bodies are built by hand, byte for byte, and sent over a raw
 * socket-level request so no client library normalises them.
 */
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fixture,
  getJson,
  listStoredObjects,
  startFakeTranscriptionServer,
  startTestServer,
  type TestServer,
  waitForTerminal,
} from "./harness";
import { expectDocumented } from "./oracle.setup";

let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
let server: TestServer;
let wav: Buffer;

beforeAll(async () => {
  transcription = await startFakeTranscriptionServer();
  server = await startTestServer({ TRANSCRIPTION_BASE_URL: transcription.baseURL, TRANSCRIPTION_API_KEY: "k" });
  wav = await fs.readFile(fixture("audio", "tone.wav"));
});
afterAll(async () => {
  await server?.close();
  await transcription?.close();
});

interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  /** OkHttp writes a Content-Length header on every part whose length it knows. */
  contentLength?: boolean;
  body: Buffer | string;
}

function multipart(boundary: string, parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const body = Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body, "utf8");
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += "\r\n";
    if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    if (part.contentLength) head += `Content-Length: ${body.length}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), body, Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** POSTs raw bytes with exactly the headers given (node:http adds only Host and Connection). */
function post(path: string, headers: Record<string, string>, body: Buffer) {
  return new Promise<{ status: number; body: Record<string, any> }>((resolve, reject) => {
    const request = http.request(
      `${server.url}${path}`,
      { method: "POST", headers: { ...headers, "content-length": String(body.length) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = response.statusCode ?? 0;
          const contentType = response.headers["content-type"] ?? null;
          expectDocumented({ method: "POST", url: `${server.url}${path}`, status, contentType, body: text })
            .then(() => resolve({ status, body: JSON.parse(text) }))
            .catch(reject);
        });
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

const okHttpBoundary = () => randomUUID();
const browserBoundary = () => `----WebKitFormBoundary${randomBytes(12).toString("base64url").slice(0, 16)}`;
const curlBoundary = () => `------------------------${randomBytes(8).toString("hex")}`;

const metadata = (title: string) =>
  JSON.stringify({ title, contactName: "Ravi Kumar", direction: "OUTGOING", phoneNumber: "+919876543210" });

/** Each form a real client sends the metadata in, with the bytes that client writes. */
const forms: Array<{
  client: string;
  boundary: () => string;
  userAgent: string;
  metadataPart: (json: string) => Part;
}> = [
  {
    client: "OkHttp / Retrofit @Part RequestBody (application/json; charset=utf-8)",
    boundary: okHttpBoundary,
    userAgent: "okhttp/4.12.0",
    metadataPart: (json) => ({
      name: "metadata",
      contentType: "application/json; charset=utf-8",
      contentLength: true,
      body: json,
    }),
  },
  {
    client: "browser FormData with a Blob (filename blob)",
    boundary: browserBoundary,
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    metadataPart: (json) => ({ name: "metadata", filename: "blob", contentType: "application/json", body: json }),
  },
  {
    client: "curl -F 'metadata={…};type=application/json'",
    boundary: curlBoundary,
    userAgent: "curl/8.5.0",
    metadataPart: (json) => ({ name: "metadata", contentType: "application/json", body: json }),
  },
  {
    client: "curl -F 'metadata=@meta.json;type=application/json'",
    boundary: curlBoundary,
    userAgent: "curl/8.5.0",
    metadataPart: (json) => ({ name: "metadata", filename: "meta.json", contentType: "application/json", body: json }),
  },
  {
    client: "a plain text field (curl -F 'metadata={…}', HTML form)",
    boundary: curlBoundary,
    userAgent: "curl/8.5.0",
    metadataPart: (json) => ({ name: "metadata", body: json }),
  },
];

function upload(form: (typeof forms)[number], metadataPart: Part, extraParts: Part[] = []) {
  const boundary = form.boundary();
  const okHttpFile = form.userAgent.startsWith("okhttp");
  const body = multipart(boundary, [
    metadataPart,
    { name: "file", filename: "call.wav", contentType: "audio/wav", contentLength: okHttpFile, body: wav },
    ...extraParts,
  ]);
  return post(
    "/api/calls/analyze",
    { "content-type": `multipart/form-data; boundary=${boundary}`, "user-agent": form.userAgent },
    body,
  );
}

async function callCount() {
  return (await getJson(`${server.url}/api/calls?limit=100`)).body!.items.length as number;
}

/** Stored objects once every call already submitted has finished writing its artifacts. */
async function settledObjects() {
  for (const call of (await getJson(`${server.url}/api/calls?limit=100`)).body!.items)
    await waitForTerminal(server.url, call.callId);
  return (await listStoredObjects(server)).length;
}

describe("POST /api/calls/analyze with the metadata as real clients send it", () => {
  it.each(forms.map((form) => [form.client, form] as const))("%s: accepted, fields applied", async (_label, form) => {
    const title = `Renewal via ${form.userAgent.split("/")[0]}`;
    const response = await upload(form, form.metadataPart(metadata(title)));
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    const detail = (await getJson(`${server.url}/api/calls/${response.body.callId}`)).body!;
    expect(detail).toMatchObject({ title, contactName: "Ravi Kumar", direction: "OUTGOING" });
    expect(await waitForTerminal(server.url, response.body.callId)).toBe("COMPLETED");
  });

  it("a metadata file part that is not UTF-8 is a 400 naming metadata", async () => {
    const form = forms[1]!;
    const response = await upload(form, {
      name: "metadata",
      filename: "meta.json",
      contentType: "application/json",
      body: Buffer.from(metadata("Café Müller"), "latin1"),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.fields[0].path).toBe("metadata");
  });

  it.each(forms.map((form) => [form.client, form] as const))(
    "%s with bad JSON: 400 validation_failed naming metadata, nothing stored",
    async (_label, form) => {
      const calls = await callCount();
      const objects = await settledObjects();
      const response = await upload(form, form.metadataPart('{"title": "unterminated'));
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe("validation_failed");
      expect(response.body.error.details.fields).toEqual([expect.objectContaining({ path: "metadata" })]);
      expect(await callCount()).toBe(calls);
      expect((await listStoredObjects(server)).length).toBe(objects);
    },
  );

  it("metadata that is JSON but not an object is refused the same way", async () => {
    const response = await upload(forms[0]!, forms[0]!.metadataPart("[1, 2]"));
    expect(response.status).toBe(400);
    expect(response.body.error.details.fields[0].path).toBe("metadata");
  });

  it("two file parts, or a file part of another name, are a 400 that says so and store nothing", async () => {
    const calls = await callCount();
    const objects = await settledObjects();
    const form = forms[1]!;
    const twoFiles = await upload(form, form.metadataPart(metadata("Twice")), [
      { name: "file", filename: "again.wav", contentType: "audio/wav", body: wav },
    ]);
    expect(twoFiles.status, JSON.stringify(twoFiles.body)).toBe(400);
    expect(twoFiles.body.error).toMatchObject({ code: "validation_failed", message: "Two `file` parts" });
    const unknown = await upload(form, form.metadataPart(metadata("Attachment")), [
      { name: "attachment", filename: "notes.txt", contentType: "text/plain", body: "hello" },
    ]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields).toEqual([expect.objectContaining({ path: "attachment" })]);
    expect(await callCount()).toBe(calls);
    expect((await listStoredObjects(server)).length).toBe(objects);
  });

  it("title as its own field still works beside any metadata form", async () => {
    const form = forms[0]!;
    const response = await upload(form, form.metadataPart(JSON.stringify({ contactName: "Asha" })), [
      { name: "title", body: "From the title field" },
    ]);
    expect(response.status).toBe(202);
    expect((await getJson(`${server.url}/api/calls/${response.body.callId}`)).body).toMatchObject({
      title: "From the title field",
      contactName: "Asha",
    });
  });
});
