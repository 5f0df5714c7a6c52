import { describe, expect, it } from "vitest";
import { loadConfig, parseTrustProxy } from "../src/index";

describe("SCRYON_TRUST_PROXY", () => {
  it.each([
    [undefined, false],
    ["0", false],
    ["1", 1],
    ["2", 2],
    ["10.0.0.0/8", ["10.0.0.0/8"]],
    [" 10.0.0.0/8 , 127.0.0.1 ,loopback", ["10.0.0.0/8", "127.0.0.1", "loopback"]],
    ["fd00::/8,::1", ["fd00::/8", "::1"]],
  ])("%s → %j", (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it.each(["true", "*", "10.0.0.0/33", "10.0.0/8", "example.com", "1/2/3", "101", ","])(
    "refuses %s (trusting everyone would let any client pick its address)",
    (raw) => {
      expect(parseTrustProxy(raw)).toBeNull();
      expect(() => loadConfig({ SCRYON_TRUST_PROXY: raw })).toThrow(/SCRYON_TRUST_PROXY/);
    },
  );

  it("is off by default", () => {
    expect(loadConfig({}).server.trustProxy).toBe(false);
  });
});
