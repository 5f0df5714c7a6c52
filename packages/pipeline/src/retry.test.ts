import { describe, expect, it } from "vitest";
import { CircuitBreakers, classifyFault, DEFAULT_RETRY_POLICY, retryDelayMs } from "./retry";

describe("classifyFault", () => {
  it("reads retryable and Retry-After from the cause chain; malformed answers and aborts are not outages", () => {
    const provider = { code: "transcription_rate_limited", retryable: true, retryAfterSeconds: 7 };
    expect(classifyFault(new Error("stage", { cause: provider }))).toEqual({ transient: true, retryAfterMs: 7000 });
    expect(classifyFault({ code: "llm_http_5xx", retryable: true })).toEqual({ transient: true, retryAfterMs: null });
    expect(classifyFault({ code: "transcription_auth_failed", retryable: false }).transient).toBe(false);
    expect(classifyFault({ code: "llm_invalid_response", retryable: true }).transient).toBe(false);
    expect(classifyFault({ code: "transcription_aborted", retryable: true }).transient).toBe(false);
    expect(classifyFault(new Error("ffmpeg broke")).transient).toBe(false);
  });
});

describe("retryDelayMs", () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 10_000 };
  it("doubles per attempt between half and all of the exponential, capped, and a longer Retry-After wins", () => {
    expect(retryDelayMs({ ...policy, random: () => 0 }, 0, null)).toBe(500);
    expect(retryDelayMs({ ...policy, random: () => 0.999999 }, 0, null)).toBe(1000);
    expect(retryDelayMs({ ...policy, random: () => 0 }, 3, null)).toBe(4000);
    expect(retryDelayMs({ ...policy, random: () => 0.999999 }, 20, null)).toBe(10_000);
    expect(retryDelayMs({ ...policy, random: () => 0 }, 0, 30_000)).toBe(30_000);
  });
});

describe("CircuitBreakers", () => {
  it("opens after the threshold of consecutive transient faults, half-opens for one probe after the cooldown", () => {
    const breakers = new CircuitBreakers({ circuitThreshold: 3, circuitCooldownMs: 1000 });
    for (let i = 0; i < 2; i++) breakers.failure("openai", 0);
    expect(breakers.waitMs("openai", 0)).toBe(0);
    breakers.failure("openai", 0);
    expect(breakers.waitMs("openai", 400)).toBe(600);
    expect(breakers.waitMs("pyannote", 400)).toBe(0); // per provider
    expect(breakers.waitMs("openai", 1000)).toBe(0); // the probe
    expect(breakers.waitMs("openai", 1001)).toBe(1000); // others wait while it runs
    breakers.failure("openai", 1100); // the probe failed: open again
    expect(breakers.waitMs("openai", 1200)).toBe(900);
    expect(breakers.waitMs("openai", 2100)).toBe(0);
    breakers.success("openai"); // the probe succeeded: closed
    expect(breakers.waitMs("openai", 2101)).toBe(0);
    expect(breakers.waitMs("openai", 2102)).toBe(0);
  });
});
