/**
 * English speech knowledge the offline analyser needs, as data: what ASR output
 * looks like (fillers, stutters, spellings, mis-heard day and month names) and the
 * cue words for polarity, cancellation, vagueness and things already done.
 */

/** Sounds that carry no words; dropped wherever they appear. */
export const FILLER_SOUNDS = ["um", "umm", "uh", "uhh", "uhm", "erm", "er", "hmm", "mm", "mhm"];

/** Fillers that are words elsewhere ("I'd like you to"): dropped only where a clause starts. */
export const LEADING_FILLERS = ["like you know", "you know", "like", "i mean"];

/** Apostrophe-less spellings ASR writes; the value replaces the word. */
export const SPELLINGS: Record<string, string> = {
  im: "i'm",
  ive: "i've",
  id: "i'd",
  dont: "don't",
  wont: "won't",
  cant: "can't",
  didnt: "didn't",
  doesnt: "doesn't",
  isnt: "isn't",
  shouldnt: "shouldn't",
  youll: "you'll",
  theyll: "they'll",
  tomorow: "tomorrow",
  tommorow: "tomorrow",
  tommorrow: "tomorrow",
  tmrw: "tomorrow",
  tonite: "tonight",
  thru: "through",
};

/** "ill" is "I'll" unless it describes someone ("I'm ill", "feeling ill"). */
export const ILL_AS_ADJECTIVE_AFTER = [
  "am",
  "i'm",
  "is",
  "was",
  "be",
  "been",
  "feel",
  "feeling",
  "felt",
  "fell",
  "very",
  "so",
  "really",
  "got",
  "gets",
];
/** "lets" is "let's" unless something lets someone ("it lets you"). */
export const LETS_AS_VERB_AFTER = ["it", "this", "that", "which", "he", "she", "who", "app", "system", "tool"];

/** Phrases heard wrong as a whole. */
export const PHRASE_FIXES: Array<[string, string]> = [
  ["end of the weak", "end of the week"],
  ["next weak", "next week"],
  ["this weak", "this week"],
  ["end of day", "end of the day"],
];

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
export const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/** Mis-hearings too far from the name for edit distance alone. */
export const MISHEARD_DATE_WORDS: Record<string, string> = {
  wensday: "wednesday",
  wendsday: "wednesday",
  wednsday: "wednesday",
  thirsday: "thursday",
  thersday: "thursday",
  tuesdy: "tuesday",
  tusday: "tuesday",
  munday: "monday",
  fridey: "friday",
  fryday: "friday",
  saterday: "saturday",
  sundy: "sunday",
  jully: "july",
  joon: "june",
  febuary: "february",
  feburary: "february",
  agust: "august",
};

/** Words after which a near-miss of a day or month name is taken to be one ("by fridy"). */
export const DATE_CUES = [
  "by",
  "on",
  "till",
  "until",
  "before",
  "after",
  "next",
  "this",
  "coming",
  "every",
  "for",
  "from",
  "of",
  "the",
];
/** Real words that sit one edit away from a day or month name. */
export const NOT_DATE_WORDS = ["sundae", "mondays", "fridge", "marsh", "mar", "juice", "julie", "jane"];

/** A refusal in reply to a request ("sorry, I can't"). */
export const REFUSAL_OPENERS = [
  "no",
  "nope",
  "sorry",
  "unfortunately",
  "i can't",
  "i cannot",
  "i won't",
  "not really",
  "i'm afraid not",
];

/**
 * Words that take back a task just said ("actually, no need", "never mind").
 * After "no need to"/"don't bother" the object names what is called off.
 */
export const CANCELLATIONS = [
  "no need",
  "never mind",
  "nevermind",
  "don't bother",
  "forget it",
  "forget about it",
  "scratch that",
  "not needed",
  "not necessary",
  "no longer needed",
  "hold off",
  "cancel that",
  "don't worry about it",
];

/** Discourse words that may come before a cancellation ("oh wait, never mind"). */
export const CANCELLATION_LEADS = [
  "actually",
  "oh",
  "wait",
  "okay",
  "ok",
  "sorry",
  "no",
  "well",
  "and",
  "but",
  "so",
  "hmm",
];

/** Negated task verbs whose negation is itself the commitment ("I won't forget to email…"). */
export const DOUBLE_NEGATIVES: Array<[string, string]> = [
  ["i won't forget to", "i'll"],
  ["i will not forget to", "i'll"],
  ["i'll not forget to", "i'll"],
  ["i will never forget to", "i'll"],
  ["we won't forget to", "we'll"],
];

/** Time that is no time: a plan with only this is talk, not a task. */
export const VAGUE_TIMES = [
  "sometime",
  "some time",
  "at some point",
  "one of these days",
  "one day",
  "someday",
  "some day",
  "eventually",
  "some weekend",
  "down the road",
  "in the future",
];

/** Hedges that turn "I'll…" into a maybe. */
export const HEDGES = ["maybe", "perhaps", "possibly", "probably", "might", "i guess", "i suppose"];

/** A reply that says the request is already done ("I already sent it"). */
export const ALREADY_DONE = ["already", "just did", "just sent", "done that", "did that"];

/** Words that open a condition ("if it rains on Saturday, can you…"): its date is the task's date. */
export const CONDITION_OPENERS = ["if", "once", "in case", "unless", "assuming", "as soon as", "when", "should"];
