import type { AnalysisInput } from "../types";

/**
 * Pseudonymised prompts (docs/contract.md § Analysis document): before the call goes
 * to an LLM, the names of the user, the contact and their organisation are replaced
 * by stable placeholders (`PERSON_1`, `ORG_1`); the answer is mapped back before it
 * is validated and grounded. The same name (or any part of it: "Ravi Kumar",
 * "Ravi", "Kumar") always becomes the same placeholder.
 */
export interface Pseudonymized {
  input: AnalysisInput;
  /** Puts the real names back into every string of the model's answer. */
  restore<T>(value: T): T;
  /** Placeholder → real name, for tests and telemetry counts (never logged). */
  readonly placeholders: ReadonlyMap<string, string>;
}

const HONORIFICS = new Set(["mr", "mrs", "ms", "miss", "sir", "madam", "shri", "smt", "dr", "ji"]);
/** Parts shorter than this are too likely to be ordinary words. */
const MIN_PART_LENGTH = 3;
const PLACEHOLDER = /\b(?:PERSON|ORG)_\d+\b/gu;

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");

export function pseudonymize(input: AnalysisInput): Pseudonymized {
  const placeholders = new Map<string, string>();
  /** Lower-cased variant → placeholder. */
  const variants = new Map<string, string>();
  let people = 0;
  let orgs = 0;

  const add = (name: string | null | undefined, kind: "PERSON" | "ORG") => {
    const trimmed = name?.trim();
    if (!trimmed || /^(Speaker \d+|You|Contact|Contact ending \d{4})$/u.test(trimmed)) return;
    const existing = variants.get(trimmed.toLowerCase());
    if (existing) return;
    const placeholder = kind === "PERSON" ? `PERSON_${++people}` : `ORG_${++orgs}`;
    placeholders.set(placeholder, trimmed);
    variants.set(trimmed.toLowerCase(), placeholder);
    if (kind === "PERSON") {
      for (const part of trimmed.split(/[\s.]+/u)) {
        const key = part.toLowerCase();
        if (part.length >= MIN_PART_LENGTH && !HONORIFICS.has(key) && !variants.has(key))
          variants.set(key, placeholder);
      }
    }
  };
  for (const speaker of input.speakers) add(speaker.displayName, "PERSON");
  for (const name of input.names?.people ?? []) add(name, "PERSON");
  for (const name of input.names?.organizations ?? []) add(name, "ORG");

  // Longest variant first, so "Ravi Kumar" wins over "Ravi".
  const ordered = [...variants.keys()].sort((a, b) => b.length - a.length);
  const pattern =
    ordered.length === 0
      ? null
      : new RegExp(`(?<![\\p{L}\\p{N}])(?:${ordered.map(escapeRegExp).join("|")})(?![\\p{L}\\p{N}])`, "giu");
  const hide = (text: string) =>
    pattern ? text.replace(pattern, (match) => variants.get(match.toLowerCase()) ?? match) : text;
  const hideNullable = (text: string | null) => (text === null ? null : hide(text));

  const pseudonymous: AnalysisInput = {
    ...input,
    speakers: input.speakers.map((s) => ({ ...s, label: hide(s.label), displayName: hideNullable(s.displayName) })),
    segments: input.segments.map((s) => ({
      ...s,
      speakerLabel: hide(s.speakerLabel),
      speakerDisplayName: hideNullable(s.speakerDisplayName),
      text: hide(s.text),
    })),
  };
  delete pseudonymous.names;

  const reveal = (text: string) => text.replace(PLACEHOLDER, (token) => placeholders.get(token) ?? token);
  const restore = <T>(value: T): T => {
    if (typeof value === "string") return reveal(value) as T;
    if (Array.isArray(value)) return value.map(restore) as T;
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, restore(child)])) as T;
    }
    return value;
  };
  return { input: pseudonymous, restore, placeholders };
}
