import { describe, expect, it } from "vitest";
import { formatSubRipTime, formatWebVttTime, toPlainTranscript, toSubRip, toWebVtt } from "../src/index";

describe("subtitle timestamps", () => {
  it("writes SubRip with a comma and WebVTT with a full stop", () => {
    expect(formatSubRipTime(1)).toBe("00:00:01,000");
    expect(formatWebVttTime(1)).toBe("00:00:01.000");
    expect(formatSubRipTime(0)).toBe("00:00:00,000");
  });

  it("rounds to the millisecond, carrying into seconds and minutes", () => {
    expect(formatSubRipTime(3.5899999141693115)).toBe("00:00:03,590");
    expect(formatWebVttTime(59.9996)).toBe("00:01:00.000");
    expect(formatWebVttTime(61.25)).toBe("00:01:01.250");
  });

  it("keeps counting hours past one (and past a day)", () => {
    expect(formatSubRipTime(3600)).toBe("01:00:00,000");
    expect(formatWebVttTime(3 * 3600 + 25 * 60 + 7.004)).toBe("03:25:07.004");
    expect(formatSubRipTime(100 * 3600)).toBe("100:00:00,000");
  });

  it("clamps negative or non-finite times to zero", () => {
    expect(formatSubRipTime(-2)).toBe("00:00:00,000");
    expect(formatWebVttTime(Number.NaN)).toBe("00:00:00.000");
  });
});

const segments = [
  { startSeconds: 4.2, endSeconds: 6.5, speaker: "Ravi Kumar", text: "Sure, send it over." },
  { startSeconds: 0.5, endSeconds: 3.59, speaker: "Asha", text: "Hello Ravi, it's Asha." },
];

describe("SubRip", () => {
  it("numbers cues in time order with speaker names", () => {
    expect(toSubRip(segments)).toBe(
      "1\n00:00:00,500 --> 00:00:03,590\nAsha: Hello Ravi, it's Asha.\n\n" +
        "2\n00:00:04,200 --> 00:00:06,500\nRavi Kumar: Sure, send it over.\n",
    );
  });

  it("keeps multi-line text but never a blank line or a timing arrow inside a cue", () => {
    const srt = toSubRip([
      { startSeconds: 1, endSeconds: 2, speaker: "A", text: "first line\r\n\r\n  second --> third  \n" },
    ]);
    expect(srt).toBe("1\n00:00:01,000 --> 00:00:02,000\nA: first line\nsecond -> third\n");
  });

  it("drops empty cues and never lets a cue end before it starts", () => {
    const srt = toSubRip([
      { startSeconds: 1, endSeconds: 2, speaker: "A", text: "   " },
      { startSeconds: 5, endSeconds: 4, speaker: "B", text: "late" },
    ]);
    expect(srt).toBe("1\n00:00:05,000 --> 00:00:05,000\nB: late\n");
  });
});

describe("WebVTT", () => {
  it("starts with the signature and uses voice spans", () => {
    expect(toWebVtt(segments)).toBe(
      "WEBVTT\n\n" +
        "seg-1\n00:00:00.500 --> 00:00:03.590\n<v Asha>Hello Ravi, it's Asha.\n\n" +
        "seg-2\n00:00:04.200 --> 00:00:06.500\n<v Ravi Kumar>Sure, send it over.\n",
    );
  });

  it("escapes &, < and > in text and names", () => {
    const vtt = toWebVtt([
      { startSeconds: 3700, endSeconds: 3701.5, speaker: "Tom & <Jerry>", text: "a < b && c > d" },
    ]);
    expect(vtt).toContain("01:01:40.000 --> 01:01:41.500\n<v Tom &amp; &lt;Jerry>a &lt; b &amp;&amp; c &gt; d\n");
  });

  it("is only the header for an empty transcript", () => {
    expect(toWebVtt([])).toBe("WEBVTT\n");
  });
});

describe("plain transcript", () => {
  it("shows MM:SS, or HH:MM:SS once the call reaches an hour", () => {
    expect(toPlainTranscript(segments)).toBe(
      "[00:00 - 00:03] Asha: Hello Ravi, it's Asha.\n[00:04 - 00:06] Ravi Kumar: Sure, send it over.\n",
    );
    expect(toPlainTranscript([{ startSeconds: 3599, endSeconds: 3605, speaker: "A", text: "one\ntwo" }])).toBe(
      "[00:59:59 - 01:00:05] A: one two\n",
    );
  });
});
