import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, startFakeTranscriptionServer, startTestServer } from "./harness";

let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
beforeAll(async () => {
  transcription = await startFakeTranscriptionServer();
});
afterAll(() => transcription?.close());

describe("GET /api/health", () => {
  it("names the configured providers, and says when none can transcribe, with no host or key in it", async () => {
    const bare = await startTestServer({ TRANSCRIPTION_PROVIDER: "none" });
    const configured = await startTestServer({
      TRANSCRIPTION_BASE_URL: transcription.baseURL,
      TRANSCRIPTION_API_KEY: "secret-transcription-key",
    });
    try {
      const none = await getJson(`${bare.url}/api/health`);
      expect(none.status).toBe(200);
      expect(none.body!.providers).toEqual({ transcription: null, diarization: null, analysis: "offline" });

      const some = await getJson(`${configured.url}/api/health`);
      expect(some.body!.providers).toEqual({ transcription: "openai", diarization: null, analysis: "offline" });
      const text = JSON.stringify(some.body);
      expect(text).not.toContain("secret-transcription-key");
      expect(text).not.toContain(new URL(transcription.baseURL).host);
    } finally {
      await bare.close();
      await configured.close();
    }
  });
});
