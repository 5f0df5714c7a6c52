import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { startFakePyannote } from "@scryon/providers/testing";
import Fastify from "fastify";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webPlugin } from "../src/plugins/web";
import {
  fixture,
  fixtureJson,
  getJson,
  REPO_ROOT,
  sendJson,
  startFakeTranscriptionServer,
  startTestServer,
  TEST_MODE,
  type TestServer,
  uploadFile,
  waitForTerminal,
} from "./harness";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = path.join(REPO_ROOT, "test-results", "dashboard");
const haveChromium = existsSync(CHROMIUM);
// The browser run is about the dashboard, not the deployment: once (embedded) is enough.
const runHere = haveChromium && TEST_MODE === "embedded";

/** `npm test` on a fresh checkout (or after editing the dashboard): build what the server is about to serve. */
function ensureDashboardBuilt() {
  execFileSync(process.execPath, [path.join(REPO_ROOT, "apps", "web", "scripts", "build-if-stale.mjs")], {
    stdio: "pipe",
  });
}

describe.skipIf(TEST_MODE !== "embedded")("dashboard served by the server", () => {
  let server: TestServer;
  beforeAll(async () => {
    ensureDashboardBuilt();
    server = await startTestServer();
  }, 90_000);
  afterAll(async () => {
    await server?.close();
  });

  it("serves the built app at / with cacheable hashed assets", async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toMatch(/^text\/html/);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const html = await index.text();
    expect(html).toContain('<div id="root">');
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    // Read to the end: an unread body keeps the connection busy and the server's close waiting.
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it("answers unknown app paths with index.html, and leaves API, docs and file paths to their own 404s", async () => {
    const deepLink = await fetch(`${server.url}/calls/some-call?tab=transcript`);
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toContain('<div id="root">');
    for (const pathname of [
      "/api/no-such-route",
      "/trpc/no.such.procedure",
      "/docs/no-such-page.json",
      "/assets/missing.js",
      "/favicon.ico",
    ]) {
      const { status, body } = await getJson(`${server.url}${pathname}`);
      expect({ pathname, status }).toEqual({ pathname, status: 404 });
      expect(JSON.stringify(body)).not.toContain('<div id="root">');
    }
    expect((await getJson(`${server.url}/api/no-such-route`)).body).toMatchObject({ error: { code: "not_found" } });
    expect((await getJson(`${server.url}/api/health`)).body).toMatchObject({ status: "ok" });
  });

  it("serves the API alone, and says why, when the dashboard is not built", async () => {
    const emptyDist = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-no-dist-"));
    const lines: string[] = [];
    const app = Fastify({ logger: { level: "warn", stream: { write: (line: string) => void lines.push(line) } } });
    try {
      await app.register(webPlugin, { distDir: emptyDist });
      app.get("/api/ping", async () => ({ ok: true }));
      expect((await app.inject({ url: "/" })).statusCode).toBe(404);
      expect((await app.inject({ url: "/api/ping" })).json()).toEqual({ ok: true });
      expect(lines.join("")).toContain("dashboard not built");
    } finally {
      await app.close();
      await fs.rm(emptyDist, { recursive: true, force: true });
    }
  });
});

if (!haveChromium)
  console.warn(`dashboard e2e skipped: no Chromium at ${CHROMIUM} (Debian package \`chromium\`; .ci/run installs it)`);

describe.skipIf(!runHere)("dashboard end to end in headless Chromium", () => {
  let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
  let pyannote: Awaited<ReturnType<typeof startFakePyannote>>;
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureDashboardBuilt();
    transcription = await startFakeTranscriptionServer();
    const answer = await fixtureJson("calls", "sales-follow-up", "transcription.verbose.json");
    transcription.answerWith(async () => ({ status: 200, body: answer }));
    // Two voices on one channel: speakers come from a pyannoteAI-protocol server, as in production.
    const diarization = await fixtureJson<{ output: { diarization: unknown[] } }>(
      "calls",
      "sales-follow-up",
      "diarization.pyannote.json",
    );
    pyannote = await startFakePyannote({ apiKey: "pyannote-key", output: diarization.output });
    server = await startTestServer({
      TRANSCRIPTION_BASE_URL: transcription.baseURL,
      TRANSCRIPTION_API_KEY: "k",
      PYANNOTE_ENABLED: "true",
      PYANNOTE_API_KEY: "pyannote-key",
      PYANNOTE_BASE_URL: pyannote.baseURL,
      PYANNOTE_POLL_INTERVAL_SECONDS: "0.05",
    });
    const renamed = await sendJson("PATCH", `${server.url}/api/users/me`, { displayName: "Priya Sharma" });
    expect(renamed.status).toBe(200);

    await fs.mkdir(SCREENSHOTS, { recursive: true });
    userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // CSP violations and failed loads surface as console errors, not page errors.
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) await fs.rm(userDataDir, { recursive: true, force: true });
    await server?.close();
    await transcription?.close();
    await pyannote?.close();
  });

  it("uploads a recording, follows it live to COMPLETED, shows the call and keeps an action item done", async () => {
    const navigations: string[] = [];
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    const subscriptionRequests: string[] = [];
    const statusPolls: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/trpc/calls.statusChanges")) subscriptionRequests.push(request.url());
      if (request.url().includes("/api/calls/status") || request.url().includes("/trpc/calls.status?"))
        statusPolls.push(request.url());
    });

    await page.goto(server.url);
    await expect.poll(() => page.getByRole("heading", { name: "Calls", level: 1 }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText("No calls yet").isVisible()).toBe(true);
    expect(await page.locator(".setup-banner").count()).toBe(0); // a provider is configured

    // Upload through the form.
    await page.getByLabel("Recording", { exact: true }).setInputFiles(fixture("calls", "sales-follow-up", "call.m4a"));
    await page.getByLabel("Title", { exact: true }).fill("Proposal follow-up");
    await page.getByLabel("Contact", { exact: true }).fill("Ravi Kumar");
    await page.getByLabel("Direction", { exact: true }).selectOption("OUTGOING");
    await page.getByRole("button", { name: "Upload and analyse" }).click();
    await expect
      .poll(() => page.getByText("Uploaded. Processing has started").isVisible(), { timeout: 10_000 })
      .toBe(true);

    // The row appears and turns COMPLETED with no reload and no polling.
    const row = page.locator(".call-row", { hasText: "Proposal follow-up" });
    await expect
      .poll(() => row.locator("[data-status]").getAttribute("data-status"), { timeout: 30_000 })
      .toBe("COMPLETED");
    expect(navigations).toHaveLength(1);
    expect(subscriptionRequests.length).toBeGreaterThan(0);
    expect(statusPolls).toEqual([]);
    await expect
      .poll(() => page.locator("[role=status][aria-live=polite]").first().textContent())
      .toContain("is now completed");
    await page.screenshot({ path: path.join(SCREENSHOTS, "calls.png") });

    // The call page: speakers by name, and the action items.
    await row.getByRole("link").click();
    await expect
      .poll(() => page.getByRole("heading", { name: "Transcript" }).isVisible(), { timeout: 10_000 })
      .toBe(true);
    const speakers = page.getByRole("list", { name: "Speakers" });
    await expect.poll(() => speakers.textContent()).toContain("Priya Sharma");
    expect(await speakers.textContent()).toContain("Ravi Kumar");
    expect(await page.locator(".segment-speaker").allTextContents()).toEqual(
      expect.arrayContaining(["Priya Sharma", "Ravi Kumar"]),
    );
    // "Where this call went": the transcription service got the audio (docs/contract.md § Egress ledger).
    const egress = page.locator("section.egress");
    await expect.poll(() => egress.textContent()).toContain(new URL(transcription.baseURL).host);
    expect(await egress.textContent()).toContain("received the audio");
    const proposalItem = page.locator(".action-item", { hasText: /proposal/i }).first();
    await expect.poll(() => proposalItem.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await proposalItem.getAttribute("data-status")).toBe("OPEN");
    const itemId = await proposalItem.getAttribute("data-action-id");
    expect(itemId).toBeTruthy();
    await page.screenshot({ path: path.join(SCREENSHOTS, "call.png"), fullPage: true });

    // Mark it done, reload, and it is still done (it was saved, not just drawn).
    await proposalItem.getByRole("checkbox").check();
    const sameItem = page.locator(`.action-item[data-action-id="${itemId}"]`);
    await expect.poll(() => sameItem.getAttribute("data-status")).toBe("DONE");
    await page.reload();
    await expect.poll(() => sameItem.getAttribute("data-status"), { timeout: 10_000 }).toBe("DONE");
    expect(await sameItem.getByRole("checkbox").isChecked()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, "call-after-reload.png"), fullPage: true });

    // A manual item: add, edit, delete.
    await page.getByLabel("New action item", { exact: true }).fill("Book the onboarding kickoff");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const manual = page.locator(".action-item", { hasText: "Book the onboarding kickoff" });
    await expect.poll(() => manual.textContent()).toContain("Added by you");
    await manual.getByRole("button", { name: /^Edit/ }).click();
    const editor = page.locator(".action-item.editing");
    await editor.getByLabel("Title", { exact: true }).fill("Book the onboarding kickoff with Acme");
    await editor.getByLabel("Priority", { exact: true }).selectOption("HIGH");
    await editor.getByRole("button", { name: "Save" }).click();
    const edited = page.locator(".action-item", { hasText: "Book the onboarding kickoff with Acme" });
    await expect.poll(() => edited.textContent()).toContain("High");
    page.once("dialog", (dialog) => void dialog.accept());
    await edited.getByRole("button", { name: /^Delete/ }).click();
    await expect.poll(() => page.locator(".action-item", { hasText: "onboarding kickoff" }).count()).toBe(0);

    // The global view: open items across calls, and the done one under "Done".
    await page.getByRole("link", { name: "Action items" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Open items" }).isVisible()).toBe(true);
    await expect.poll(() => page.locator(".action-item").count()).toBe(2);
    expect(await page.locator(`.action-item[data-action-id="${itemId}"]`).count()).toBe(0);
    await page.getByRole("button", { name: "Done", exact: true }).click();
    await expect.poll(() => page.locator(`.action-item[data-action-id="${itemId}"]`).count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, "actions.png") });
    await page.goBack();
    await expect.poll(() => page.getByRole("heading", { name: "Transcript" }).isVisible()).toBe(true);

    // Phone width: the same page still lays out in one column without horizontal scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate<number>(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, "call-phone.png") });

    // Keyboard: Space on the focused checkbox reopens the item.
    await sameItem.getByRole("checkbox").focus();
    await page.keyboard.press("Space");
    await expect.poll(() => sameItem.getAttribute("data-status")).toBe("OPEN");

    expect(pageErrors).toEqual([]);
  }, 60_000);

  it("renames a speaker inline on the call page, and the new name is what the server stored", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(server.url);
    await page.locator(".call-row", { hasText: "Proposal follow-up" }).getByRole("link").click();
    const speakers = page.getByRole("list", { name: "Speakers" });
    await expect.poll(() => speakers.textContent(), { timeout: 10_000 }).toContain("Ravi Kumar");

    // Escape leaves the name as it was.
    await speakers.getByRole("button", { name: "Rename Ravi Kumar" }).click();
    const field = speakers.getByLabel("Speaker name", { exact: true });
    expect(await field.inputValue()).toBe("Ravi Kumar");
    await field.fill("Someone else");
    await field.press("Escape");
    await expect.poll(() => speakers.getByRole("button", { name: "Rename Ravi Kumar" }).count()).toBe(1);

    await speakers.getByRole("button", { name: "Rename Ravi Kumar" }).click();
    await speakers.getByLabel("Speaker name", { exact: true }).fill("Ravi K.");
    await speakers.getByLabel("Speaker name", { exact: true }).press("Enter");
    await expect.poll(() => speakers.getByRole("button", { name: "Rename Ravi K." }).count()).toBe(1);
    await expect.poll(() => page.locator(".segment-speaker").allTextContents()).toContain("Ravi K.");
    expect(await page.locator(".segment-speaker").allTextContents()).not.toContain("Ravi Kumar");

    // It was saved, not just drawn.
    await page.reload();
    await expect.poll(() => speakers.textContent(), { timeout: 10_000 }).toContain("Ravi K.");
    expect(await speakers.textContent()).toContain("Priya Sharma");
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it("lists a contact, shows its timeline and open items, renames it, and links the call page to it", async () => {
    const upload = await uploadFile(server.url, fixture("calls", "sales-follow-up", "call.m4a"), {
      metadata: { title: "Contacts timeline", contactName: "Meera Iyer", phoneNumber: "+91 90000 12345" },
    });
    expect(upload.status).toBe(202);
    const callId = upload.body.callId as string;
    expect(await waitForTerminal(server.url, callId, {}, 30_000)).toBe("COMPLETED");
    const item = await sendJson("POST", `${server.url}/api/calls/${callId}/action-items`, {
      title: "Send Meera the deck",
    });
    expect(item.status).toBe(201);
    const contactId = (await getJson(`${server.url}/api/calls/${callId}`)).body!.contactId as string;

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(server.url);
    await page.getByRole("link", { name: "Contacts", exact: true }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Contacts", level: 1 }).isVisible()).toBe(true);
    const row = page.locator(`.call-row[data-contact-id="${contactId}"]`);
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain("Meera Iyer");
    // The analysis opens items of its own besides the manual one: the row shows the server's count.
    const open = (await getJson(`${server.url}/api/contacts/${contactId}`)).body!.openActionItemCount as number;
    expect(open).toBeGreaterThanOrEqual(1);
    expect(await row.textContent()).toContain(open === 1 ? "1 open item" : `${open} open items`);
    await page.screenshot({ path: path.join(SCREENSHOTS, "contacts.png") });

    await row.getByRole("link").click();
    await expect.poll(() => page.getByRole("heading", { name: "Meera Iyer", level: 1 }).isVisible()).toBe(true);
    expect(await page.getByText("Number ending 2345").isVisible()).toBe(true);
    await expect
      .poll(() => page.locator(`.call-row[data-call-id="${callId}"]`).textContent())
      .toContain("Contacts timeline");
    await expect.poll(() => page.locator(".action-item", { hasText: "Send Meera the deck" }).count()).toBe(1);

    await page.getByLabel("Name", { exact: true }).fill("Meera I.");
    await page.getByRole("button", { name: "Rename" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Meera I.", level: 1 }).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, "contact.png"), fullPage: true });

    // From the timeline to the call, and back to the contact through the call page's link.
    await page.locator(`.call-row[data-call-id="${callId}"]`).getByRole("link").click();
    await expect
      .poll(() => page.getByRole("heading", { name: "Transcript" }).isVisible(), { timeout: 10_000 })
      .toBe(true);
    await page.getByRole("link", { name: "Meera Iyer — all calls" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Meera I.", level: 1 }).isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it("searches the calls from the top bar and jumps to the moment in the call", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(server.url);
    await page.getByRole("searchbox", { name: "Search calls" }).fill("pricing");
    await page.keyboard.press("Enter");
    const results = page.getByRole("list", { name: "Search results" });
    await expect.poll(() => results.isVisible(), { timeout: 10_000 }).toBe(true);
    const hit = results.locator('.search-hit[data-kind="transcript"]').first();
    await expect.poll(() => hit.locator("mark").first().textContent()).toMatch(/^pricing$/i);
    expect(await hit.textContent()).toContain("Proposal follow-up");
    await page.screenshot({ path: path.join(SCREENSHOTS, "search.png") });

    await hit.getByRole("link").click();
    const highlighted = page.locator(".segment.highlighted");
    await expect.poll(() => highlighted.textContent(), { timeout: 10_000 }).toContain("pricing");
    expect(page.url()).toContain("segment=");
    // Scrolled to: the segment is on screen.
    const onScreen = async () => {
      const box = await highlighted.boundingBox();
      return box !== null && box.y >= 0 && box.y + box.height <= page.viewportSize()!.height;
    };
    await expect.poll(onScreen).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it("adds a webhook endpoint, shows its secret once, sends a test and shows the delivery", async () => {
    const received: string[] = [];
    const receiver = http.createServer((req, res) => {
      received.push(req.headers["webhook-id"] as string);
      req.resume();
      req.on("end", () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${server.url}/#/settings/webhooks`);
      await expect.poll(() => page.getByRole("heading", { name: "Webhooks", level: 1 }).isVisible()).toBe(true);
      await page.getByLabel("URL", { exact: true }).fill(receiverUrl);
      await page.getByLabel("Description", { exact: true }).fill("CRM sync");
      await page.getByRole("button", { name: "Add endpoint" }).click();
      await expect.poll(() => page.getByTestId("webhook-secret").textContent()).toMatch(/^whsec_/);
      const row = page.locator(".webhook", { hasText: receiverUrl });
      await expect.poll(() => row.isVisible()).toBe(true);
      await row.getByRole("button", { name: "Send test" }).click();
      const delivered = row.locator('.deliveries tr[data-status="SUCCEEDED"]');
      await expect.poll(() => delivered.count(), { timeout: 15_000 }).toBe(1);
      expect(await delivered.textContent()).toContain("webhook.test");
      expect(received).toHaveLength(1);
      await page.screenshot({ path: path.join(SCREENSHOTS, "webhooks.png"), fullPage: true });
      expect(pageErrors).toEqual([]);
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  }, 60_000);

  it("pages through the call list by scrolling (cursor pagination)", async () => {
    // No transcription provider: every call fails fast, which is all a list needs.
    const busy = await startTestServer();
    const tab = await context.newPage();
    try {
      const callIds: string[] = [];
      for (let index = 0; index < 25; index++) {
        const { status, body } = await uploadFile(busy.url, fixture("audio", "tone.wav"), {
          metadata: { title: `Call ${index + 1}` },
        });
        expect(status).toBe(202);
        callIds.push(body.callId as string);
      }
      for (const callId of callIds) await waitForTerminal(busy.url, callId);

      await tab.goto(busy.url);
      const rows = tab.locator(".call-row");
      await expect.poll(() => rows.count()).toBe(20);
      expect(await rows.first().textContent()).toContain("Call 25");
      expect(await rows.first().locator("[data-status]").getAttribute("data-status")).toBe("FAILED");
      await rows.last().scrollIntoViewIfNeeded();
      await tab.mouse.wheel(0, 4000);
      await expect.poll(() => rows.count()).toBe(25);
      expect(await rows.last().textContent()).toContain("Call 1");
      expect(await tab.getByRole("button", { name: "Load more calls" }).count()).toBe(0);
    } finally {
      await tab.close();
      await busy.close();
    }
  }, 45_000);

  it("asks for the API key when the server wants one, and streams live status with it", async () => {
    const apiKey = "dashboard-e2e-key";
    const guarded = await startTestServer({
      SCRYON_API_KEY: apiKey,
      TRANSCRIPTION_BASE_URL: transcription.baseURL,
      TRANSCRIPTION_API_KEY: "k",
    });
    // A new tab: sessionStorage, where credentials live, starts empty.
    const tab = await context.newPage();
    try {
      await tab.goto(guarded.url);
      await expect.poll(() => tab.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);

      await tab.getByLabel("API key", { exact: true }).fill("not-the-key");
      await tab.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(() => tab.getByRole("alert").textContent()).toContain("auth_invalid");

      await tab.getByLabel("API key", { exact: true }).fill(apiKey);
      await tab.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(() => tab.getByRole("heading", { name: "Calls", level: 1 }).isVisible()).toBe(true);

      // The upload and the event stream both carry the key: the call turns terminal on screen.
      await tab.getByLabel("Recording", { exact: true }).setInputFiles(fixture("audio", "tone.wav"));
      await tab.getByLabel("Title", { exact: true }).fill("Guarded upload");
      await tab.getByRole("button", { name: "Upload and analyse" }).click();
      const row = tab.locator(".call-row", { hasText: "Guarded upload" });
      await expect
        .poll(() => row.locator("[data-status]").getAttribute("data-status"), { timeout: 20_000 })
        .toBe("COMPLETED");

      await tab.getByRole("button", { name: "Sign out" }).click();
      await expect.poll(() => tab.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);
    } finally {
      await tab.close();
      await guarded.close();
    }
  }, 45_000);

  it("tells the truth on a first run: with no transcription provider, a banner says uploads cannot be transcribed", async () => {
    const bare = await startTestServer({ TRANSCRIPTION_PROVIDER: "none" });
    try {
      await page.goto(bare.url);
      const banner = page.locator(".setup-banner");
      await expect.poll(() => banner.isVisible(), { timeout: 10_000 }).toBe(true);
      expect(await banner.textContent()).toContain("Uploads cannot be transcribed yet");
      expect(await banner.textContent()).toContain("TRANSCRIPTION_PROVIDER");
    } finally {
      // Leave the page first: its live-status stream would hold the server open.
      await page.goto("about:blank");
      await bare.close();
    }
  });
});
