/**
 * Redaction of spoken personal data (docs/contract.md § Privacy rules, rule 3, and
 * § Redaction): phone numbers in digits and in words (English and Hindi/Hinglish
 * number words), e-mail addresses written or spoken ("ravi dot kumar at acme dot
 * com"), Luhn-valid payment card numbers, mod-97-valid IBANs and one-time codes
 * announced as such. Each finding becomes one typed placeholder
 * (`[PHONE ending 3210]`, `[EMAIL]`, `[CARD ending 1111]`, `[IBAN]`, `[CODE]`) that
 * takes the time span of the words it replaces.
 *
 * Pure and deterministic. It errs towards leaving numbers alone unless they have
 * the shape of personal data: prices, dates, times, quantities, years and counting
 * ("one or two", "one two three …") are kept.
 */

export const PII_TYPES = ["PHONE", "EMAIL", "CARD", "IBAN", "OTP"] as const;
export type PiiType = (typeof PII_TYPES)[number];
export type RedactionCounts = Record<PiiType, number>;

export const REDACTION_VERSION = "pii-redaction-v1";

export const emptyRedactionCounts = (): RedactionCounts => ({ PHONE: 0, EMAIL: 0, CARD: 0, IBAN: 0, OTP: 0 });

export interface PiiSpan {
  /** First token of the finding. */
  start: number;
  /** One past its last token. */
  end: number;
  type: PiiType;
  placeholder: string;
}

interface Tok {
  lead: string;
  core: string;
  trail: string;
  /** Lower-cased core. */
  key: string;
}

function splitToken(surface: string): Tok {
  const match = /^([^\p{L}\p{N}+@]*)(.*?)([^\p{L}\p{M}\p{N}]*)$/su.exec(surface)!;
  const [, lead = "", core = "", trail = ""] = match;
  return { lead, core, trail, key: core.toLowerCase() };
}

// ── number words ────────────────────────────────────────────────────────────

const DIGIT_WORDS: Record<string, string> = {
  zero: "0",
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
  niner: "9",
  // Hindi / Hinglish (Latin script)
  shunya: "0",
  shoonya: "0",
  sunya: "0",
  ek: "1",
  char: "4",
  chaar: "4",
  paanch: "5",
  panch: "5",
  paanc: "5",
  chhe: "6",
  chhah: "6",
  chah: "6",
  chheh: "6",
  chhai: "6",
  saat: "7",
  aath: "8",
  aat: "8",
  nau: "9",
  nao: "9",
  // Devanagari
  शून्य: "0",
  एक: "1",
  दो: "2",
  तीन: "3",
  चार: "4",
  पांच: "5",
  पाँच: "5",
  छह: "6",
  छः: "6",
  छे: "6",
  सात: "7",
  आठ: "8",
  नौ: "9",
};

/** Number words that are also ordinary words: they count only between two other number words. */
const AMBIGUOUS_DIGIT_WORDS: Record<string, string> = {
  oh: "0",
  o: "0",
  do: "2",
  teen: "3",
  sat: "7",
  che: "6",
};

const TEEN_WORDS: Record<string, string> = {
  ten: "10",
  eleven: "11",
  twelve: "12",
  thirteen: "13",
  fourteen: "14",
  fifteen: "15",
  sixteen: "16",
  seventeen: "17",
  eighteen: "18",
  nineteen: "19",
  das: "10",
};

const TENS_WORDS: Record<string, string> = {
  twenty: "2",
  thirty: "3",
  forty: "4",
  fourty: "4",
  fifty: "5",
  sixty: "6",
  seventy: "7",
  eighty: "8",
  ninety: "9",
};

const REPEATERS: Record<string, number> = { double: 2, triple: 3, dubble: 2, tripple: 3 };

/** Words after a number that make it an amount or a quantity, never personal data. */
const QUANTITY_WORDS = new Set([
  "hundred",
  "thousand",
  "lakh",
  "lakhs",
  "lac",
  "crore",
  "crores",
  "million",
  "billion",
  "percent",
  "per",
  "rupees",
  "rupee",
  "rs",
  "inr",
  "dollars",
  "dollar",
  "usd",
  "euros",
  "euro",
  "pounds",
  "bucks",
  "k",
  "units",
  "pieces",
  "boxes",
  "items",
  "kg",
  "kilos",
  "km",
  "minutes",
  "hours",
  "days",
  "weeks",
  "months",
  "years",
  "am",
  "pm",
  "baje",
  "o'clock",
  "rupaye",
  "hazaar",
  "hazar",
  "sau",
]);
const CURRENCY_BEFORE = new Set(["rs", "inr", "usd", "rupees", "₹", "$", "€", "£", "price", "cost", "costs", "paid"]);

const FILLERS = new Set(["uh", "um", "umm", "er", "hmm", "ah"]);
const JOINERS = new Set(["-", "–", "—", "dash", "hyphen"]);

/** One token's contribution to a run of digits, or null when it is not part of one. */
type DigitPiece =
  | { kind: "digits"; digits: string }
  | { kind: "word"; digits: string }
  | { kind: "tens"; tens: string };

const DEVANAGARI_DIGITS = /[०-९]/gu;
const toAsciiDigits = (value: string) =>
  value.replace(DEVANAGARI_DIGITS, (d) => String(d.charCodeAt(0) - "०".charCodeAt(0)));

function digitPiece(tok: Tok): DigitPiece | null {
  const key = toAsciiDigits(tok.key);
  if (/^\+?\d/u.test(key)) {
    // Shapes that are never phone, card or code digits.
    if (/[:]/u.test(key)) return null; // a time: 10:30
    if (/^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/u.test(key)) return null; // a date: 29/05/2026, 2026-05-29
    if (/^\d{1,3}(,\d{3})+(\.\d+)?$/u.test(key)) return null; // an amount: 1,250,000
    if (/^\d+\.\d{1,2}$/u.test(key)) return null; // a decimal: 12.5
    if (/^\d+(st|nd|rd|th)$/u.test(key)) return null; // an ordinal: 5th
    if (/^\+?\d+([-.()]\d+)*$/u.test(key.replace(/[()]/gu, ""))) {
      if (/^[₹$€£]/u.test(tok.lead) || /%/u.test(tok.trail)) return null;
      return { kind: "digits", digits: key.replace(/\D/gu, "") };
    }
    return null;
  }
  const word = DIGIT_WORDS[key];
  if (word !== undefined) return { kind: "word", digits: word };
  const teen = TEEN_WORDS[key];
  if (teen !== undefined) return { kind: "word", digits: teen };
  const tens = TENS_WORDS[key];
  if (tens !== undefined) return { kind: "tens", tens };
  // "ninety-eight" written as one word
  const hyphenated = /^([a-z]+)-([a-z]+)$/u.exec(key);
  if (hyphenated && TENS_WORDS[hyphenated[1]!] !== undefined && DIGIT_WORDS[hyphenated[2]!] !== undefined) {
    return { kind: "word", digits: TENS_WORDS[hyphenated[1]!]! + DIGIT_WORDS[hyphenated[2]!]! };
  }
  return null;
}

const isNumberWord = (tok: Tok | undefined) => {
  if (!tok) return false;
  const piece = digitPiece(tok);
  return piece !== null && piece.kind !== "digits";
};

interface DigitRun {
  start: number;
  end: number;
  digits: string;
  /** Digits per written-number token ("98 76 54" → [2, 2, 2]); empty for number words. */
  groups: number[];
}

/** Maximal runs of tokens that spell digits, with joiners and fillers inside them. */
function digitRuns(toks: readonly Tok[], claimed: readonly boolean[]): DigitRun[] {
  const runs: DigitRun[] = [];
  let index = 0;
  while (index < toks.length) {
    if (claimed[index] || !startsRun(toks, index)) {
      index += 1;
      continue;
    }
    const start = index;
    let digits = "";
    const groups: number[] = [];
    let end = index;
    let cursor = index;
    /** Whether the last piece taken was a number word (ambiguous words count only between words). */
    let lastWasWord = false;
    if (toks[cursor]!.key === "plus") cursor += 1;
    while (cursor < toks.length && !claimed[cursor]) {
      const tok = toks[cursor]!;
      const repeat = REPEATERS[tok.key];
      if (repeat !== undefined) {
        const next = toks[cursor + 1] && !claimed[cursor + 1] ? digitPiece(toks[cursor + 1]!) : null;
        if (next && next.kind !== "tens" && next.digits.length === 1) {
          digits += next.digits.repeat(repeat);
          cursor += 2;
          end = cursor;
          lastWasWord = next.kind === "word";
          continue;
        }
        break;
      }
      const piece = digitPiece(tok);
      if (piece) {
        if (piece.kind === "tens") {
          const next = toks[cursor + 1] && !claimed[cursor + 1] ? digitPiece(toks[cursor + 1]!) : null;
          if (next?.kind === "word" && next.digits.length === 1 && next.digits !== "0") {
            digits += piece.tens + next.digits;
            cursor += 2;
          } else {
            digits += `${piece.tens}0`;
            cursor += 1;
          }
        } else {
          digits += piece.digits;
          if (piece.kind === "digits") groups.push(piece.digits.length);
          cursor += 1;
        }
        lastWasWord = piece.kind !== "digits";
        end = cursor;
        // A run ends where the speaker pauses on a full stop (a new sentence).
        if (/[.?!;]/u.test(tok.trail)) break;
        continue;
      }
      const ambiguous = AMBIGUOUS_DIGIT_WORDS[tok.key];
      const nextIsWord =
        isNumberWord(toks[cursor + 1]) ||
        (AMBIGUOUS_DIGIT_WORDS[toks[cursor + 1]?.key ?? ""] !== undefined && isNumberWord(toks[cursor + 2]));
      if (ambiguous !== undefined && lastWasWord && nextIsWord) {
        digits += ambiguous;
        cursor += 1;
        end = cursor;
        lastWasWord = true;
        continue;
      }
      // Joiners and fillers are transparent inside a run, never at its edges.
      if ((JOINERS.has(tok.key) || JOINERS.has(tok.lead + tok.core + tok.trail) || FILLERS.has(tok.key)) && digits) {
        const next = toks[cursor + 1];
        if (next && (digitPiece(next) || REPEATERS[next.key] !== undefined)) {
          cursor += 1;
          continue;
        }
      }
      break;
    }
    if (digits.length > 0) runs.push({ start, end, digits, groups });
    index = Math.max(end, start + 1);
  }
  return runs;
}

function startsRun(toks: readonly Tok[], index: number): boolean {
  const tok = toks[index]!;
  if (tok.key === "plus") return toks[index + 1] !== undefined && digitPiece(toks[index + 1]!)?.kind !== undefined;
  if (REPEATERS[tok.key] !== undefined) {
    const next = toks[index + 1];
    return next !== undefined && digitPiece(next) !== null;
  }
  return digitPiece(tok) !== null;
}

// ── cues ────────────────────────────────────────────────────────────────────

const keysBefore = (toks: readonly Tok[], index: number, window: number) =>
  toks.slice(Math.max(0, index - window), index).map((tok) => tok.key);

const OTP_WORDS = new Set(["otp", "o.t.p", "pin", "passcode", "cvv", "cvc", "password", "passcode", "mpin", "tpin"]);
const CODE_QUALIFIERS = new Set([
  "verification",
  "security",
  "one-time",
  "otp",
  "confirmation",
  "login",
  "auth",
  "authentication",
  "access",
  "secret",
  "time",
  "activation",
  "2fa",
]);

/** "the OTP is …", "verification code 4829", "one time password …", "my PIN is …". */
function announcedAsCode(toks: readonly Tok[], index: number): boolean {
  const before = keysBefore(toks, index, 6);
  return before.some(
    (key, i) =>
      // "pin code" is an Indian postal code
      (OTP_WORDS.has(key) && !(key === "pin" && before[i + 1] === "code")) ||
      (key === "code" && i > 0 && CODE_QUALIFIERS.has(before[i - 1]!)),
  );
}

const PHONE_WORDS = new Set([
  "phone",
  "mobile",
  "cell",
  "whatsapp",
  "landline",
  "telephone",
  "contact",
  "dial",
  "fone",
  "extension",
]);
const POSSESSIVES = new Set([
  "my",
  "your",
  "his",
  "her",
  "our",
  "their",
  "mera",
  "meri",
  "mere",
  "uska",
  "uski",
  "apna",
]);

/** A phone number announced as such: "my number is", "call me on", "phone 2345 6789". */
function announcedAsPhone(toks: readonly Tok[], index: number): boolean {
  const before = keysBefore(toks, index, 6);
  return before.some(
    (key, i) =>
      PHONE_WORDS.has(key) ||
      (key === "number" && i > 0 && (POSSESSIVES.has(before[i - 1]!) || PHONE_WORDS.has(before[i - 1]!))) ||
      ((key === "call" || key === "reach") && ["me", "us", "him", "her", "on", "at"].includes(before[i + 1] ?? "")),
  );
}

/** Counting aloud ("one two three four five six seven eight nine ten") is not a phone number. */
function isCounting(digits: string): boolean {
  for (const first of [0, 1]) {
    let expected = "";
    for (let n = first; expected.length < digits.length; n += 1) expected += String(n);
    if (expected === digits) return true;
  }
  return /^(\d)\1+$/u.test(digits);
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function ibanValid(iban: string): boolean {
  const value = iban.toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/u.test(value)) return false;
  const rearranged = value.slice(4) + value.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char >= "A" ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of code) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

function classifyRun(toks: readonly Tok[], run: DigitRun): PiiSpan | null {
  const { digits } = run;
  const before = toks[run.start - 1];
  const after = toks[run.end];
  if (after && QUANTITY_WORDS.has(after.key)) return null;
  if (before && (CURRENCY_BEFORE.has(before.key) || CURRENCY_BEFORE.has(before.trail.trim()))) return null;
  if (/^[₹$€£]/u.test(toks[run.start]!.lead)) return null;
  if (announcedAsCode(toks, run.start) && digits.length >= 3 && digits.length <= 8) {
    return { ...run, type: "OTP", placeholder: "[CODE]" };
  }
  if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) {
    return { ...run, type: "CARD", placeholder: `[CARD ending ${digits.slice(-4)}]` };
  }
  if (isCounting(digits)) return null;
  // A list of two-digit numbers ("scores were 98 87 76 65 54") is a phone number only when announced as one.
  const listOfPairs = run.groups.length >= 4 && run.groups.every((length) => length === 2);
  const phoneLength = digits.length >= 10 && digits.length <= 15 && !listOfPairs;
  const announcedPairs = listOfPairs && announcedAsPhone(toks, run.start);
  const announcedShort = digits.length >= 7 && digits.length <= 9 && announcedAsPhone(toks, run.start);
  if (phoneLength || announcedShort || announcedPairs) {
    return { ...run, type: "PHONE", placeholder: `[PHONE ending ${digits.slice(-4)}]` };
  }
  return null;
}

// ── e-mail addresses ───────────────────────────────────────────────────────

const LITERAL_EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+/u;
const TLDS = new Set([
  "com",
  "in",
  "org",
  "net",
  "co",
  "io",
  "edu",
  "gov",
  "ai",
  "uk",
  "us",
  "de",
  "info",
  "biz",
  "me",
  "app",
  "dev",
  "xyz",
  "tech",
  "ca",
  "au",
  "fr",
  "nl",
  "sg",
  "ae",
  "jp",
]);
const DOT_WORDS = new Set(["dot", "point", "."]);
const LOCAL_SEPARATORS: Record<string, string> = { dot: ".", underscore: "_", dash: "-", hyphen: "-", ".": "." };
/** A one-word "local part" that is really a pronoun or a place: "meet me at acme dot com". */
const NOT_A_MAILBOX = new Set([
  "me",
  "us",
  "you",
  "him",
  "her",
  "them",
  "it",
  "home",
  "work",
  "office",
  "this",
  "that",
  "there",
  "here",
  "is",
  "was",
  "look",
  "meet",
  "see",
  "visit",
  "go",
  "be",
  "site",
  "website",
  "online",
  "available",
]);
const LABEL = /^[\p{L}\p{N}][\p{L}\p{N}-]*$/u;
const DOTTED_DOMAIN = /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u;

/** The length (in tokens) of an "at" sign spoken at `index`: "at", "@", "at the rate (of)". */
function atSignLength(toks: readonly Tok[], index: number): number {
  const key = toks[index]?.key;
  if (key === "@" || toks[index]?.lead.endsWith("@")) return 1;
  if (key === "at-the-rate") return toks[index + 1]?.key === "of" ? 2 : 1;
  if (key !== "at") return 0;
  if (toks[index + 1]?.key === "the" && toks[index + 2]?.key === "rate") return toks[index + 3]?.key === "of" ? 4 : 3;
  return 1;
}

/** Tokens a spoken domain takes from `index` ("acme dot co dot in", "acme.com"), or 0. */
function domainLength(toks: readonly Tok[], index: number): number {
  const first = toks[index];
  if (!first) return 0;
  if (DOTTED_DOMAIN.test(first.key)) return TLDS.has(first.key.split(".").at(-1)!) ? 1 : 0;
  if (!LABEL.test(first.key)) return 0;
  let cursor = index + 1;
  let lastGood = 0;
  while (DOT_WORDS.has(toks[cursor]?.key ?? "") && LABEL.test(toks[cursor + 1]?.key ?? "")) {
    cursor += 2;
    if (TLDS.has(toks[cursor - 1]!.key)) lastGood = cursor - index;
  }
  return lastGood;
}

/** Where a spoken local part ending at `index` begins ("ravi dot kumar", "r a v i 2 3"). */
function localPartStart(toks: readonly Tok[], index: number): number {
  let start = index;
  for (;;) {
    const separator = toks[start - 1];
    if (separator && LOCAL_SEPARATORS[separator.key] && LABEL.test(toks[start - 2]?.key ?? "")) {
      start -= 2;
      continue;
    }
    const previous = toks[start - 1];
    // Spelled letters and digits join the mailbox: "r a v i", "ravi one two three".
    if (previous && (/^[\p{L}\p{N}]$/u.test(previous.key) || digitPiece(previous) !== null)) {
      if (/^[\p{L}\p{N}]$/u.test(toks[start]!.key) || digitPiece(toks[start]!) !== null) {
        start -= 1;
        continue;
      }
    }
    return start;
  }
}

function emailSpans(toks: readonly Tok[]): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (let index = 0; index < toks.length; index += 1) {
    if (LITERAL_EMAIL.test(toks[index]!.core)) {
      spans.push({ start: index, end: index + 1, type: "EMAIL", placeholder: "[EMAIL]" });
      continue;
    }
    const atLength = index > 0 ? atSignLength(toks, index) : 0;
    if (atLength === 0) continue;
    const domain = domainLength(toks, index + atLength);
    if (domain === 0) continue;
    const localEnd = index - 1;
    const local = toks[localEnd]!;
    if (!/^[\p{L}\p{N}._+-]+$/u.test(local.key)) continue;
    const start = localPartStart(toks, localEnd);
    if (start === localEnd && NOT_A_MAILBOX.has(local.key)) continue;
    spans.push({ start, end: index + atLength + domain, type: "EMAIL", placeholder: "[EMAIL]" });
    index += atLength + domain - 1;
  }
  return spans;
}

// ── IBANs ───────────────────────────────────────────────────────────────────

function ibanSpans(toks: readonly Tok[]): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (let index = 0; index < toks.length; index += 1) {
    if (!/^[a-z]{2}\d{2}[a-z0-9]*$/iu.test(toks[index]!.core)) continue;
    let value = toks[index]!.core;
    let best = 0;
    if (ibanValid(value)) best = index + 1;
    for (let cursor = index + 1; cursor < toks.length && value.length < 34; cursor += 1) {
      const core = toks[cursor]!.core;
      if (!/^[a-z0-9]{1,4}$/iu.test(core)) break;
      value += core;
      if (ibanValid(value)) best = cursor + 1;
    }
    if (best > 0) {
      spans.push({ start: index, end: best, type: "IBAN", placeholder: "[IBAN]" });
      index = best - 1;
    }
  }
  return spans;
}

// ── entry points ────────────────────────────────────────────────────────────

/** Personal data in a sequence of words (surface forms, punctuation attached), in order. */
export function findPii(words: readonly string[]): PiiSpan[] {
  const toks = words.map(splitToken);
  const claimed = new Array<boolean>(toks.length).fill(false);
  const spans: PiiSpan[] = [];
  const claim = (found: readonly PiiSpan[]) => {
    for (const span of found) {
      if (claimed.slice(span.start, span.end).some(Boolean)) continue;
      claimed.fill(true, span.start, span.end);
      spans.push(span);
    }
  };
  claim(ibanSpans(toks));
  claim(emailSpans(toks));
  claim(
    digitRuns(toks, claimed)
      .map((run) => classifyRun(toks, run))
      .filter((span): span is PiiSpan => span !== null),
  );
  return spans.sort((a, b) => a.start - b.start);
}

/** The opening bracket of an area code "(022)" goes with the number it belonged to. */
const leadOf = (first: Tok, span: PiiSpan) => (span.type === "PHONE" ? first.lead.replace(/\($/u, "") : first.lead);

const count = (spans: readonly PiiSpan[], into: RedactionCounts = emptyRedactionCounts()): RedactionCounts => {
  for (const span of spans) into[span.type] += 1;
  return into;
};

/** Redacts free text (a provider segment, a whole-call text, a prompt), spacing kept. */
export function redactText(text: string): { text: string; counts: RedactionCounts } {
  const parts = text.split(/(\s+)/u);
  const words = parts.filter((_, i) => i % 2 === 0);
  const spans = findPii(words);
  if (spans.length === 0) return { text, counts: emptyRedactionCounts() };
  const out: string[] = [];
  let w = 0;
  for (const span of spans) {
    while (w < span.start) {
      out.push(words[w]!, parts[2 * w + 1] ?? "");
      w += 1;
    }
    const first = splitToken(words[span.start]!);
    const last = splitToken(words[span.end - 1]!);
    out.push(leadOf(first, span) + span.placeholder + last.trail, parts[2 * (span.end - 1) + 1] ?? "");
    w = span.end;
  }
  while (w < words.length) {
    out.push(words[w]!, parts[2 * w + 1] ?? "");
    w += 1;
  }
  return { text: out.join(""), counts: count(spans) };
}

export interface TimedText {
  text: string;
  start: number;
  end: number;
}

/**
 * Redacts timed units (words, or segments when a provider gave no word timing) read
 * as one stream. A finding that spans several units becomes one unit holding the
 * placeholder, from the first unit's start to the last one's end; the other units'
 * remaining words stay where they were.
 */
export function redactTimedUnits<T extends TimedText>(units: readonly T[]): { units: T[]; counts: RedactionCounts } {
  const words: string[] = [];
  const owner: number[] = [];
  units.forEach((unit, u) => {
    for (const word of unit.text.split(/\s+/u)) {
      if (word === "") continue;
      words.push(word);
      owner.push(u);
    }
  });
  const spans = findPii(words);
  if (spans.length === 0) return { units: [...units], counts: emptyRedactionCounts() };

  // Per unit: its new words; a span's placeholder lives in its first word's unit.
  const newWords: string[][] = units.map(() => []);
  const newEnd = units.map((unit) => unit.end);
  const touched = units.map(() => false);
  let w = 0;
  for (const span of spans) {
    for (; w < span.start; w += 1) newWords[owner[w]!]!.push(words[w]!);
    const firstUnit = owner[span.start]!;
    const lastUnit = owner[span.end - 1]!;
    const first = splitToken(words[span.start]!);
    const last = splitToken(words[span.end - 1]!);
    newWords[firstUnit]!.push(leadOf(first, span) + span.placeholder + last.trail);
    for (let u = firstUnit; u <= lastUnit; u += 1) touched[u] = true;
    // The placeholder's unit covers the finding's whole time span.
    let end = newEnd[firstUnit]!;
    for (let u = firstUnit; u <= lastUnit; u += 1) end = Math.max(end, units[u]!.end);
    newEnd[firstUnit] = end;
    w = span.end;
  }
  for (; w < words.length; w += 1) newWords[owner[w]!]!.push(words[w]!);

  const out: T[] = [];
  units.forEach((unit, u) => {
    if (!touched[u]) {
      out.push(unit);
      return;
    }
    const kept = newWords[u]!;
    if (kept.length === 0) return;
    out.push({ ...unit, text: kept.join(" "), end: newEnd[u]! });
  });
  return { units: out, counts: count(spans) };
}

/** Adds `b`'s counts into a copy of `a`. */
export function addRedactionCounts(a: RedactionCounts, b: RedactionCounts): RedactionCounts {
  const sum = emptyRedactionCounts();
  for (const type of PII_TYPES) sum[type] = a[type] + b[type];
  return sum;
}

/**
 * The PII_REDACTED stage on aligned words: each speaker's words are read as one
 * stream (a number dictated over someone's "okay" stays one number), order kept.
 */
export function redactAlignedUnits<T extends TimedText & { sourceSpeakerId: string | null }>(
  units: readonly T[],
): { units: T[]; counts: RedactionCounts } {
  const bySpeaker = new Map<string | null, (T & { order: number })[]>();
  units.forEach((unit, order) => {
    const list = bySpeaker.get(unit.sourceSpeakerId) ?? [];
    list.push({ ...unit, order });
    bySpeaker.set(unit.sourceSpeakerId, list);
  });
  let counts = emptyRedactionCounts();
  const out: (T & { order: number })[] = [];
  for (const list of bySpeaker.values()) {
    const redacted = redactTimedUnits(list);
    counts = addRedactionCounts(counts, redacted.counts);
    out.push(...redacted.units);
  }
  out.sort((a, b) => a.order - b.order);
  return { units: out.map(({ order: _order, ...unit }) => unit as unknown as T), counts };
}

/**
 * A transcription result with every text redacted: what the raw-transcript artifact
 * stores, so no stored copy holds the values (docs/contract.md § Redaction).
 */
export function redactTranscriptionResult<
  R extends { text: string; words: readonly TimedText[]; segments: readonly TimedText[] },
>(result: R): R {
  return {
    ...result,
    text: redactText(result.text).text,
    words: redactTimedUnits(result.words).units,
    segments: result.segments.map((segment) => ({ ...segment, text: redactText(segment.text).text })),
  };
}

export const totalRedactions = (counts: RedactionCounts): number =>
  PII_TYPES.reduce((sum, type) => sum + counts[type], 0);
