import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createScaleOutBackend, getJson, sendJson, startServerProcess, TEST_MODE } from "./harness";

/**
 * docs/contract.md § Webhooks, "at least once": the server process is killed (SIGKILL) while
 * its worker waits for the receiver's answer; a new process on the same state
 * delivers the event, with the same webhook-id. Both modes: the SQLite queue's
 * lease runs out, or pg-boss expires the job.
 */

const children: ChildProcess[] = [];
let dataDir: string;
let backend: Awaited<ReturnType<typeof createScaleOutBackend>> | undefined;
let receiver: http.Server;
let receiverUrl: string;
const received: Array<{ headers: Record<string, string>; body: string }> = [];
let holdFirst = true;
let firstArrived: () => void;
const firstRequest = new Promise<void>((resolve) => {
  firstArrived = resolve;
});

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-webhook-kill-"));
  if (TEST_MODE === "scale-out") backend = await createScaleOutBackend();
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString() });
      if (holdFirst) {
        // Never answered: the worker that sent it is killed while it waits.
        holdFirst = false;
        firstArrived();
        return;
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as net.AddressInfo).port}/hook`;
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await backend?.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

it("delivers an event whose worker was killed mid-delivery, with the same webhook-id", async () => {
  const env = {
    SCRYON_DATA_DIR: dataDir,
    ...backend?.env,
    // A dead worker's job comes back quickly: the SQLite lease (1 s) or pg-boss's expiry (3 s, swept every 2 s).
    SCRYON_JOB_LEASE_SECONDS: "1",
    SCRYON_STALE_JOB_TIMEOUT_MINUTES: "0.05",
    SCRYON_WEBHOOK_RETRY_BASE_SECONDS: "0.05",
  };
  const first = await startServerProcess(env);
  children.push(first.child);
  const created = await sendJson("POST", `${first.url}/api/webhooks`, { url: receiverUrl, events: ["call.completed"] });
  expect(created.status).toBe(201);
  const { id, secret } = created.body as { id: string; secret: string };
  expect((await sendJson("POST", `${first.url}/api/webhooks/${id}/test`)).status).toBe(202);

  await firstRequest;
  first.child.kill("SIGKILL");
  await new Promise((resolve) => first.child.once("exit", resolve));

  const second = await startServerProcess(env);
  children.push(second.child);
  const deadline = Date.now() + 60_000;
  let delivery: Record<string, any> | undefined;
  while (Date.now() < deadline) {
    const { body } = await getJson(`${second.url}/api/webhooks/${id}/deliveries`);
    delivery = body?.items?.[0];
    if (delivery?.status === "SUCCEEDED") break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(delivery).toMatchObject({ status: "SUCCEEDED", responseStatusCode: 200 });
  expect(received.length).toBeGreaterThanOrEqual(2);
  expect(new Set(received.map((r) => r.headers["webhook-id"]))).toEqual(new Set([delivery!.messageId]));
  const last = received.at(-1)!;
  expect(new Webhook(secret).verify(last.body, last.headers)).toMatchObject({ type: "webhook.test" });
}, 120_000);
