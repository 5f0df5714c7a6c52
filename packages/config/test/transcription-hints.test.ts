import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/index";

const openai = { TRANSCRIPTION_PROVIDER: "openai", TRANSCRIPTION_BASE_URL: "http://127.0.0.1:9/v1" };

describe("TRANSCRIPTION_LANGUAGE and TRANSCRIPTION_VOCABULARY", () => {
  it("are the defaults every call's hints fall back to, canonicalised", () => {
    const config = loadConfig({
      ...openai,
      TRANSCRIPTION_LANGUAGE: "pt-br",
      TRANSCRIPTION_VOCABULARY: " Scryon, Acme Corp ,,Scryon",
    });
    expect(config.transcription).toMatchObject({ language: "pt-BR", vocabulary: ["Scryon", "Acme Corp"] });
  });

  it("are none when unset", () => {
    expect(loadConfig(openai).transcription).toMatchObject({ language: null, vocabulary: [] });
  });

  it.each(["english", "xx", "yue", "en_US!"])("refuse the language %s at start-up", (language) => {
    expect(() => loadConfig({ ...openai, TRANSCRIPTION_LANGUAGE: language })).toThrow(/TRANSCRIPTION_LANGUAGE/);
  });

  it("refuse a vocabulary over the bounds at start-up", () => {
    const tooMany = Array.from({ length: 101 }, (_, i) => `term${i}`).join(",");
    expect(() => loadConfig({ ...openai, TRANSCRIPTION_VOCABULARY: tooMany })).toThrow(/TRANSCRIPTION_VOCABULARY/);
    expect(() => loadConfig({ ...openai, TRANSCRIPTION_VOCABULARY: "x".repeat(51) })).toThrow(
      /TRANSCRIPTION_VOCABULARY/,
    );
  });
});
