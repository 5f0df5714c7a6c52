import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLiveClient,
  fixture,
  startFakeTranscriptionServer,
  startTestServer,
  type TestServer,
  uploadFile,
} from "./harness";

let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
let server: TestServer;

beforeAll(async () => {
  transcription = await startFakeTranscriptionServer();
  server = await startTestServer({ TRANSCRIPTION_BASE_URL: transcription.baseURL, TRANSCRIPTION_API_KEY: "k" });
});
afterAll(async () => {
  await server?.close();
  await transcription?.close();
});

describe("live status over server-sent events", () => {
  it("pushes every status change of the user's calls without polling", async () => {
    const client = createLiveClient(server.url);
    const seen: Array<{ callId: string; status: string }> = [];
    let done!: () => void;
    const completed = new Promise<void>((resolve) => (done = resolve));
    const subscription = client.calls.statusChanges.subscribe(undefined, {
      onData: (change) => {
        seen.push(change);
        if (change.status === "COMPLETED" || change.status === "FAILED") done();
      },
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // the stream is open
      const upload = await uploadFile(server.url, fixture("audio", "tone.wav"));
      await completed;
      expect(seen.map((c) => c.callId)).toEqual(seen.map(() => upload.body.callId));
      expect(seen.map((c) => c.status)).toEqual(["TRANSCRIBING", "ANALYZING", "COMPLETED"]);
    } finally {
      subscription.unsubscribe();
    }
  });
});
