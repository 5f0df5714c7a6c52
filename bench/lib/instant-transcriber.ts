import http from "node:http";
import type { AddressInfo } from "node:net";

const VOCABULARY = (
  "we could ship the revised proposal next week if the budget holds and your team signs off on the scope " +
  "i will send the contract to legal today and call you back on friday about pricing for the second phase"
).split(" ");
const WORDS_PER_SEGMENT = 12;
const SECONDS_PER_WORD = 0.4;

/**
 * An OpenAI `verbose_json` answer with `wordCount` words in 12-word sentences,
 * two speakers taking turns every three sentences (labels as self-hosted
 * diarizing servers add them).
 */
function syntheticVerboseJson(wordCount: number) {
  const words: Array<{ word: string; start: number; end: number; speaker: string }> = [];
  const segments: Array<{ id: number; seek: number; start: number; end: number; text: string; speaker: string }> = [];
  for (let first = 0; first < wordCount; first += WORDS_PER_SEGMENT) {
    const segmentIndex = segments.length;
    const speaker = Math.floor(segmentIndex / 3) % 2 === 0 ? "SPEAKER_00" : "SPEAKER_01";
    const spoken: string[] = [];
    const last = Math.min(first + WORDS_PER_SEGMENT, wordCount);
    for (let i = first; i < last; i++) {
      let word = VOCABULARY[i % VOCABULARY.length]!;
      if (i === first) word = word[0]!.toUpperCase() + word.slice(1);
      if (i === last - 1) word += ".";
      const start = i * SECONDS_PER_WORD;
      words.push({ word, start, end: start + SECONDS_PER_WORD * 0.8, speaker });
      spoken.push(word);
    }
    segments.push({
      id: segmentIndex,
      seek: 0,
      start: first * SECONDS_PER_WORD,
      end: last * SECONDS_PER_WORD,
      text: ` ${spoken.join(" ")}`,
      speaker,
    });
  }
  return {
    task: "transcribe",
    language: "english",
    duration: wordCount * SECONDS_PER_WORD,
    text: segments.map((segment) => segment.text).join(""),
    segments,
    words,
  };
}

/**
 * A loopback OpenAI-compatible `/audio/transcriptions` endpoint that answers at
 * once with a pre-serialised body, and records how long it held each request
 * (receiving the upload, sending the answer) so that benchmarks can subtract it.
 */
export async function startInstantTranscriber(wordCount: number) {
  let body = JSON.stringify(syntheticVerboseJson(wordCount));
  const handledMs: number[] = [];
  const server = http.createServer((req, res) => {
    const started = performance.now();
    if (req.method !== "POST" || !req.url?.endsWith("/audio/transcriptions")) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { message: "not found" } }));
      return;
    }
    req.resume();
    req.on("end", () => {
      res.on("finish", () => handledMs.push(performance.now() - started));
      res.writeHead(200, { "content-type": "application/json" }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    handledMs,
    /** Changes the transcript size for the next requests. */
    answerWithWords(count: number) {
      body = JSON.stringify(syntheticVerboseJson(count));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
