/**
 * Transcription servers report the language either as an ISO-639-1 code ("en")
 * or, like Whisper's verbose_json, as a lower-case English name ("english").
 * English names come from the runtime's CLDR data; the aliases cover names
 * Whisper uses that CLDR spells differently.
 */
const WHISPER_NAME_ALIASES: Readonly<Record<string, string>> = {
  castilian: "es",
  flemish: "nl",
  haitian: "ht",
  kirghiz: "ky",
  letzeburgesch: "lb",
  mandarin: "zh",
  moldavian: "ro",
  moldovan: "ro",
  myanmar: "my",
  panjabi: "pa",
  pushto: "ps",
  sinhalese: "si",
  tagalog: "tl",
  valencian: "ca",
};

const englishNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });
let codesByEnglishName: ReadonlyMap<string, string> | undefined;

/** Every canonical two-letter code the runtime can name, keyed by its lower-case English name. */
function englishNameIndex(): ReadonlyMap<string, string> {
  if (codesByEnglishName) return codesByEnglishName;
  const index = new Map<string, string>();
  for (let first = 97; first <= 122; first++) {
    for (let second = 97; second <= 122; second++) {
      const code = String.fromCharCode(first, second);
      // Deprecated codes ("iw", "ji") canonicalise to their successors; index only the successors.
      if (canonicalLanguage(code) !== code) continue;
      const name = englishNames.of(code);
      if (name && !index.has(name.toLowerCase())) index.set(name.toLowerCase(), code);
    }
  }
  codesByEnglishName = index;
  return index;
}

function canonicalLanguage(code: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(code)[0];
  } catch {
    return undefined;
  }
}

function knownTwoLetterCode(code: string): string | null {
  if (!/^[a-z]{2}$/.test(code) || !englishNames.of(code)) return null;
  const canonical = canonicalLanguage(code);
  // "iw" → "he", but "tl" → "fil" (no two-letter successor): keep the code as given.
  return canonical && /^[a-z]{2}$/.test(canonical) ? canonical : code;
}

/**
 * "english", "English", "en", "en-US" → "en". Anything without an ISO-639-1
 * code (unknown names, "yue", "haw") → null rather than a guess.
 */
export function toIsoLanguageCode(value: string | null | undefined): string | null {
  const normalised = value?.trim().toLowerCase().replace(/_/g, "-");
  if (!normalised) return null;
  const primarySubtag = normalised.split("-")[0] ?? "";
  return (
    knownTwoLetterCode(primarySubtag) ?? WHISPER_NAME_ALIASES[normalised] ?? englishNameIndex().get(normalised) ?? null
  );
}
