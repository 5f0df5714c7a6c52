import type { TimedSegmentInput, TimedWordInput } from "./input";

/**
 * How far past the expected position a word may re-find its place in the segment
 * text after a mismatch ("fourteen" said, "14" written). Small on purpose: a common
 * word ("the") must not jump far ahead and drag the alignment with it.
 */
const MAX_RESYNC_TOKENS = 8;

/**
 * A word starting this long after the segment the alignment is in has left that
 * segment behind (its text was never matched, or words are missing): matching skips
 * to the segment the word's time falls in. Slack for the provider's timing noise.
 */
const SEGMENT_TIME_SLACK_SECONDS = 1;

/** One whitespace-separated token of the provider's segment text. */
interface TextToken {
  raw: string;
  /** Index in the key stream of the token's first key character. */
  keyStart: number;
  /** Index in the key stream just past the token's last key character. */
  keyEnd: number;
}

/** Where a provider segment's text starts in the key stream, and when it ends. */
interface SegmentAnchor {
  keyStart: number;
  end: number;
}

/**
 * The segment text as one stream of comparison characters (letters, marks and
 * digits, lower-cased, Latin accents dropped), each remembering where it came from,
 * so a word can match a whole token, part of one ("follow" in "follow-up,") or run
 * across several ("today" against "to day.").
 */
interface KeyStream {
  keys: string;
  /** Per key character (UTF-16 unit): its token. */
  tokenOf: number[];
  /** Per key character: the span, in its token's raw text, of the code point it came from. */
  rawStart: number[];
  rawEnd: number[];
  tokens: TextToken[];
  /** In time order. */
  anchors: SegmentAnchor[];
}

/**
 * Gives each word its punctuated, cased form from the provider's segment text.
 *
 * OpenAI `verbose_json` words carry no punctuation (and casing only by chance), while
 * `segments[].text` has both; transcript segments are rebuilt from words, so without
 * this every sentence boundary is lost. Words are matched to the segment text in
 * time order, comparing letters and digits only. A word that does not match where
 * expected may re-find its place a few tokens ahead (or in the segment its time falls
 * in), else it keeps its own text. A word that completes a token takes the token's
 * trailing punctuation, one that starts a token its leading punctuation.
 *
 * Linear in the number of words plus the length of the segment text (after a sort
 * that is linear on words already in time order, as providers send them). Returns
 * new words in the input order, timings untouched.
 */
export function restorePunctuation<W extends TimedWordInput>(
  words: readonly W[],
  segments: readonly TimedSegmentInput[],
): W[] {
  const stream = toKeyStream(segments);
  const restored = [...words];
  if (stream.keys.length === 0) return restored;

  // Array.prototype.sort is stable: simultaneous words keep input order.
  const order = words.map((_, index) => index).sort((a, b) => words[a]!.start - words[b]!.start);
  let position = 0;
  let anchor = 0;
  for (const index of order) {
    const word = words[index]!;
    while (anchor < stream.anchors.length && stream.anchors[anchor]!.end + SEGMENT_TIME_SLACK_SECONDS < word.start) {
      anchor += 1;
    }
    const segmentStart = stream.anchors[anchor]?.keyStart ?? stream.keys.length;
    position = Math.max(position, segmentStart);

    const key = comparisonKey(word.text);
    if (key === "") continue;
    const at = findMatch(stream, key, position);
    if (at === null) continue;
    restored[index] = { ...word, text: punctuatedForm(stream, word.text, at, at + key.length) };
    position = at + key.length;
  }
  return restored;
}

/** Where `key` matches: right at `position`, else at one of the next few token starts. */
function findMatch(stream: KeyStream, key: string, position: number): number | null {
  if (stream.keys.startsWith(key, position)) return position;
  if (position >= stream.keys.length) return null;
  // Re-synchronise only on token starts: "a" inside "cat" is no place to resume.
  const current = stream.tokenOf[position]!;
  const last = Math.min(stream.tokens.length - 1, current + MAX_RESYNC_TOKENS);
  for (let token = current; token <= last; token += 1) {
    const start = stream.tokens[token]!.keyStart;
    if (start > position && stream.keys.startsWith(key, start)) return start;
  }
  return null;
}

/** The word's text as the segment writes it, with the punctuation around it. */
function punctuatedForm(stream: KeyStream, wordText: string, from: number, to: number): string {
  const firstToken = stream.tokens[stream.tokenOf[from]!]!;
  const lastToken = stream.tokens[stream.tokenOf[to - 1]!]!;
  const leading = from === firstToken.keyStart ? firstToken.raw.slice(0, stream.rawStart[from]) : "";
  const trailing = to === lastToken.keyEnd ? lastToken.raw.slice(stream.rawEnd[to - 1]) : "";
  // Within one token the segment's own spelling (casing, "@", inner dots) is kept;
  // across tokens it would need a space inside a word, so the word's spelling stays.
  const body =
    firstToken === lastToken ? firstToken.raw.slice(stream.rawStart[from], stream.rawEnd[to - 1]) : wordText.trim();
  return leading + body + trailing;
}

function toKeyStream(segments: readonly TimedSegmentInput[]): KeyStream {
  const stream: KeyStream = { keys: "", tokenOf: [], rawStart: [], rawEnd: [], tokens: [], anchors: [] };
  const keyParts: string[] = [];
  let keyLength = 0;
  for (const segment of [...segments].sort((a, b) => a.start - b.start)) {
    stream.anchors.push({ keyStart: keyLength, end: segment.end });
    for (const raw of segment.text.split(/\s+/u)) {
      if (raw === "") continue;
      const keyStart = keyLength;
      let offset = 0;
      for (const char of raw) {
        const folded = foldChar(char);
        keyParts.push(folded);
        // One entry per UTF-16 unit of the key, as string indices count them.
        for (let unit = 0; unit < folded.length; unit += 1) {
          stream.tokenOf.push(stream.tokens.length);
          stream.rawStart.push(offset);
          stream.rawEnd.push(offset + char.length);
        }
        keyLength += folded.length;
        offset += char.length;
      }
      if (keyLength > keyStart) {
        stream.tokens.push({ raw, keyStart, keyEnd: keyLength });
      } else {
        // Bare punctuation ("—", "..."): it closes the token before it.
        const previous = stream.tokens.at(-1);
        if (previous) previous.raw += raw;
      }
    }
  }
  stream.keys = keyParts.join("");
  return stream;
}

/** What a word and its written form must share. */
function comparisonKey(text: string): string {
  let key = "";
  for (const char of text) key += foldChar(char);
  return key;
}

/**
 * One code point's share of the key: letters, marks and digits, lower-cased, Latin
 * accents dropped (marks in other scripts are vowels). Folded per code point so the
 * stream can map every key character back to its raw text.
 */
function foldChar(char: string): string {
  // ASCII fast path: nearly every character of an English transcript.
  const code = char.charCodeAt(0);
  if (code < 0x80) return /[a-z0-9]/.test(char) ? char : /[A-Z]/.test(char) ? char.toLowerCase() : "";
  return char
    .normalize("NFD")
    .toLowerCase()
    .replace(/[\u0300-\u036f]|[^\p{L}\p{M}\p{N}]/gu, "");
}
