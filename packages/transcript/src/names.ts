import type { MatchToken } from "./text";
import { matchTokens } from "./text";

/** The two parties of a call: the account holder and the other side. */
export type Party = "USER" | "CONTACT";

export function otherParty(party: Party): Party {
  return party === "USER" ? "CONTACT" : "USER";
}

/** Titles dropped before a first name is taken ("Mr. Ravi Kumar" → "ravi"). */
const HONORIFICS = new Set(["mr", "mrs", "ms", "miss", "mx", "sir", "madam", "shri", "sri", "smt", "dr", "prof"]);

export interface PersonName {
  /** The name as the user saved it, whitespace tidied; what labels show. */
  displayName: string;
  /** Name tokens without honorifics, folded for matching: ["ravi", "kumar"]. */
  tokens: string[];
}

/**
 * Reads a display or contact name. Something that looks like a phone number or an
 * email address is not a name (address books store those as names) and is refused,
 * so it can never reach a label.
 */
export function parsePersonName(raw: string | null | undefined): PersonName | null {
  const displayName = raw?.replace(/\s+/gu, " ").trim() ?? "";
  if (displayName === "" || displayName.includes("@")) return null;
  if ((displayName.match(/\p{N}/gu)?.length ?? 0) >= 5) return null;
  const tokens = matchTokens(displayName)
    .map((token) => token.key)
    .filter((key) => !HONORIFICS.has(key));
  return { displayName, tokens };
}

/**
 * Name variants each party can be recognised by: the full name and the first name.
 * A variant both parties share ("Ravi" talking to "Ravi") identifies nobody and is
 * dropped from both; one-letter first names (initials) are never used.
 */
export function nameVariantsByParty(user: PersonName | null, contact: PersonName | null): Record<Party, string[][]> {
  const userVariants = variantsOf(user);
  const contactVariants = variantsOf(contact);
  const contactKeys = new Set(contactVariants.map(variantKey));
  const shared = new Set(userVariants.map(variantKey).filter((key) => contactKeys.has(key)));
  return {
    USER: userVariants.filter((variant) => !shared.has(variantKey(variant))),
    CONTACT: contactVariants.filter((variant) => !shared.has(variantKey(variant))),
  };
}

function variantsOf(name: PersonName | null): string[][] {
  if (name === null || name.tokens.length === 0) return [];
  const variants = [name.tokens];
  if (name.tokens.length > 1) variants.push(name.tokens.slice(0, 1));
  return variants.filter((variant) => variant.length > 1 || variant[0]!.length > 1);
}

function variantKey(variant: readonly string[]): string {
  return variant.join(" ");
}

/** Words before a name that make it the speaker's own ("this is Ravi", "I'm Ravi"). */
const SELF_INTRO_BEFORE: readonly (readonly string[])[] = [
  ["this", "is"],
  ["it", "is"],
  ["it", "s"],
  ["i", "am"],
  ["i", "m"],
  ["name", "is"],
  ["myself"],
  ["im"],
  ["its"],
  ["main"],
  ["mai"],
  ["naam"],
];
/** Words after a name that make it the speaker's own ("Ravi here", "Ravi this side", "Ravi bol raha hoon"). */
const SELF_INTRO_AFTER: readonly (readonly string[])[] = [
  ["here"],
  ["speaking"],
  ["calling"],
  ["from"],
  ["bol"],
  ["bolta"],
  ["bolti"],
  ["this", "side"],
];

/** Where a name occurs in a segment's tokens. */
export interface NameOccurrence {
  start: number;
  length: number;
}

/**
 * Occurrences of any variant that refer to someone other than the speaker:
 * self-introductions are skipped, and in a cased transcript the name must be
 * capitalised (so "I will call" is not the name "Will").
 */
export function findNameMentions(
  tokens: readonly MatchToken[],
  variants: readonly (readonly string[])[],
  casedTranscript: boolean,
): NameOccurrence[] {
  const occurrences: NameOccurrence[] = [];
  for (let start = 0; start < tokens.length; start += 1) {
    let length = 0;
    for (const variant of variants) {
      if (variant.length > length && matchesAt(tokens, start, variant)) length = variant.length;
    }
    if (length === 0) continue;
    if (casedTranscript && !tokens[start]!.capitalized) continue;
    const selfIntro =
      SELF_INTRO_BEFORE.some((words) => matchesAt(tokens, start - words.length, words)) ||
      SELF_INTRO_AFTER.some((words) => matchesAt(tokens, start + length, words));
    if (!selfIntro) occurrences.push({ start, length });
    start += length - 1;
  }
  return occurrences;
}

/** Words a greeting ends with: "hi", "hello", "good morning", "namaste", … */
const GREETING_ENDINGS = new Set([
  "hi",
  "hii",
  "hello",
  "helo",
  "hallo",
  "hullo",
  "hey",
  "hiya",
  "namaste",
  "namaskar",
  "namaskaram",
  "vanakkam",
  "salaam",
  "morning",
  "afternoon",
  "evening",
  "hola",
  "bonjour",
  "ciao",
]);
/** How many words may stand between a greeting and the name ("hello there Ravi", "hi, is this Ravi"). */
const MAX_WORDS_BETWEEN_GREETING_AND_NAME = 2;

/** Whether a greeting ends at most two words before the name at `nameStart`. */
export function isGreeted(tokens: readonly MatchToken[], nameStart: number): boolean {
  for (let between = 0; between <= MAX_WORDS_BETWEEN_GREETING_AND_NAME; between += 1) {
    const end = nameStart - 1 - between;
    if (end < 0) return false;
    const word = tokens[end]!.key;
    if (GREETING_ENDINGS.has(word) || (word === "day" && tokens[end - 1]?.key === "good")) return true;
  }
  return false;
}

/** Short phrases a person answers the phone with. */
const ANSWERING_PHRASES: readonly (readonly string[])[] = [
  ["who", "is", "this"],
  ["who", "is", "speaking"],
  ["who", "is", "it"],
  ["who", "s", "this"],
  ["kaun", "hai"],
  ["go", "ahead"],
  ["tell", "me"],
  ["yes", "please"],
  ["ji", "boliye"],
  ["haan", "ji"],
  ["hello", "ji"],
  ["hello"],
  ["hallo"],
  ["hullo"],
  ["helo"],
  ["allo"],
  ["alo"],
  ["yes"],
  ["yeah"],
  ["yep"],
  ["yup"],
  ["ya"],
  ["speaking"],
  ["haan"],
  ["han"],
  ["haa"],
  ["hanji"],
  ["haanji"],
  ["ji"],
  ["bolo"],
  ["boliye"],
  ["bolie"],
  ["kaun"],
  ["pronto"],
  ["diga"],
  ["digame"],
  ["oui"],
].sort((a, b) => b.length - a.length);
/** An answer is short; a longer opening is a conversation, not a pickup. */
const MAX_ANSWERING_WORDS = 6;

/** Whether the text is nothing but answering phrases ("Hello?", "Yes, speaking.", "Haan ji, bolo"). */
export function isAnsweringPhrase(tokens: readonly MatchToken[]): boolean {
  if (tokens.length === 0 || tokens.length > MAX_ANSWERING_WORDS) return false;
  let position = 0;
  while (position < tokens.length) {
    const phrase = ANSWERING_PHRASES.find((words) => matchesAt(tokens, position, words));
    if (phrase === undefined) return false;
    position += phrase.length;
  }
  return true;
}

function matchesAt(tokens: readonly MatchToken[], start: number, words: readonly string[]): boolean {
  if (start < 0 || start + words.length > tokens.length) return false;
  return words.every((word, offset) => tokens[start + offset]!.key === word);
}

/** The last four digits of a phone number, or null when it has fewer than four. */
export function phoneLastFour(phoneNumber: string | null | undefined): string | null {
  const digits = phoneNumber?.replace(/\D/gu, "") ?? "";
  return digits.length >= 4 ? digits.slice(-4) : null;
}

/** Digits a spoken copy of the number must contain: its last ten (the national number). */
const SIGNIFICANT_PHONE_DIGITS = 10;
/** Numbers shorter than this are too short to recognise in speech without false hits. */
const MIN_RECOGNISABLE_PHONE_DIGITS = 7;

/**
 * Replaces the call's own phone number where it was spoken and transcribed as digits
 * ("+91 98765 43210", "098765-43210") by "[number ending NNNN]": the full number never
 * enters a transcript (docs/contract.md § Privacy rules, rule 3).
 */
export function redactPhoneNumber(text: string, phoneNumber: string | null | undefined): string {
  const digits = phoneNumber?.replace(/\D/gu, "") ?? "";
  if (digits.length < MIN_RECOGNISABLE_PHONE_DIGITS) return text;
  const significant = digits.slice(-SIGNIFICANT_PHONE_DIGITS);
  return text.replace(/\+?\d[\d\s().,-]*\d/gu, (run) =>
    run.replace(/\D/gu, "").includes(significant) ? `[number ending ${digits.slice(-4)}]` : run,
  );
}
