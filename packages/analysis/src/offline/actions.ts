import nlp from "compromise";
import { emailsIn } from "../grounding";
import type { ActionIntent, ActionItem, IntentMetadata } from "../schema";
import type { AnalysisSpeaker } from "../types";
import type { CallContext } from "./context";
import { type ResolvedDate, resolveDates } from "./dates";
import {
  ALREADY_DONE,
  CANCELLATION_LEADS,
  CANCELLATIONS,
  CONDITION_OPENERS,
  HEDGES,
  REFUSAL_OPENERS,
  VAGUE_TIMES,
} from "./lexicon/english";
import { alternation, glossClause, TABLE_CANCELLATION_LEADS, TABLE_CANCELLATIONS, TABLE_REFUSALS } from "./speech";
import { capitalize, contentWordsOf, neutralize, type Sentence, sentenceJaccard, tokenize } from "./text";

/**
 * Commitments ("I'll send you…"), requests ("can you…", "please…", "remind me…") and
 * joint plans ("let's schedule…") found sentence by sentence. Launchable tasks become
 * action items; planned personal activities become next steps (docs/contract.md § Analysis document).
 */

type NextStep = {
  text: string;
  ownerSpeaker: string | null;
  when: string | null;
  sourceSegmentIds: string[];
};

type Commitment = {
  text: string;
  speaker: string;
  sourceSegmentIds: string[];
};

export interface ActionExtraction {
  actionItems: ActionItem[];
  nextSteps: NextStep[];
  commitments: Commitment[];
  /** Ordinals of sentences consumed here, so narrative fields do not repeat them. */
  usedSentences: Set<number>;
}

type Kind = "commitment" | "request" | "joint" | "reminder";

interface Candidate {
  kind: Kind;
  sentence: Sentence;
  /** The clause of the sentence that holds this task. */
  source: string;
  ownerId: string | null;
  /** Who asked, for requests; the committing speaker otherwise. */
  askerId: string;
  clause: string;
  dates: ResolvedDate[];
  intent: ActionIntent;
  sourceSegmentIds: string[];
  ordinals: number[];
}

const ADVERBS =
  "(?:(?:also|just|definitely|quickly|then|probably|certainly|gladly|happily|now|actually|go ahead and|try to|make sure to|be sure to)\\s+)*";
const COMMITMENT = new RegExp(
  `\\b(?:i\\s*(?:'|’)?ll|i will|i shall|i'm going to|i am going to|i'm gonna|i can|i could)\\s+${ADVERBS}([a-z]+)\\b(.*)$`,
  "i",
);
const JOINT = new RegExp(
  `\\b(?:let's|let us|we\\s*(?:'|’)?ll|we will|we should|we need to|we're going to)\\s+${ADVERBS}([a-z]+)\\b(.*)$`,
  "i",
);
const REQUEST = new RegExp(
  `\\b(?:(?:can|could|would|will) you(?: please)?|please|i need you to|i'd like you to|i want you to|make sure you|don't forget to)\\s+${ADVERBS}([a-z]+)\\b(.*)$`,
  "i",
);
const REMIND_ME = /\bremind me\s+(?:to|about|that)?\s*(.*)$/i;
const PERSONAL_PLAN = new RegExp(
  `\\b(?:i need to|i have to|i've got to|i got to|i must|i plan to|i'm planning to|i want to)\\s+${ADVERBS}([a-z]+)\\b(.*)$`,
  "i",
);

/** Verbs after "I'll"/"can you" that are talk, not tasks ("I'll be honest", "can you hear me"). */
const NON_TASK_VERBS = new Set(
  "be say tell admit guess bet hear see believe imagine understand repeat hold explain describe speak walk mean let like mind know wait go help afford do have get take keep stop agree think wonder ask".split(
    " ",
  ),
);
/** …unless followed by something that makes them a task. */
const TASK_OBJECTS = /\b(?:back|invite|email|text|message|copy|update|quote|details|know|there)\b/i;
const MEETING_VERBS = new Set(
  "schedule meet reschedule book arrange organize organise set catch sync reconvene plan".split(" "),
);

const REFUSAL = new RegExp(
  `^\\s*(?:${alternation(REFUSAL_OPENERS)})\\b|^\\s*(?:\\w+\\s+){0,2}(?:${alternation(TABLE_REFUSALS)})\\b`,
  "i",
);
/** A cancellation opens its sentence ("Actually, no need"); elsewhere it is about its own sentence. */
const CANCELLATION = new RegExp(
  `^(?:(?:${alternation([...CANCELLATION_LEADS, ...TABLE_CANCELLATION_LEADS])})[\\s,.!]+)*(?:${alternation([...CANCELLATIONS, ...TABLE_CANCELLATIONS])})\\b(?:\\s+([^,.;!?]*))?`,
  "i",
);
const VAGUE_TIME = new RegExp(`\\b(?:${alternation(VAGUE_TIMES)})\\b`, "i");
const HEDGE = new RegExp(`\\b(?:${alternation(HEDGES)})\\b`, "i");
const CONDITION = new RegExp(`^\\s*(?:${alternation(CONDITION_OPENERS)})\\b`, "i");
const DONE = new RegExp(`\\b(?:${alternation(ALREADY_DONE)})\\b`, "i");
/** Words that negate the task verb right after an opener ("please don't call", "let's not meet"). */
const NEGATED_VERBS = new Set(["not", "never", "don", "dont", "no", "won", "cannot"]);
const URGENT =
  /\b(?:urgent(?:ly)?|asap|as soon as possible|immediately|right away|right now|today|tonight|critical|top priority|eod|end of (?:the )?day)\b/i;
const RELAXED =
  /\b(?:no rush|no hurry|whenever|at some point|eventually|sometime|when you get a chance|when you can)\b/i;
const DATE_LEAD = /\s*\b(?:by|on|before|until|till|for|no later than|at|around)\s*$/i;

export function extractActions(ctx: CallContext): ActionExtraction {
  const candidates: Candidate[] = [];
  for (const sentence of ctx.sentences) {
    for (const clause of clausesOf(sentence.text)) {
      const candidate = detect(ctx, sentence, clause);
      if (candidate) candidates.push(candidate);
    }
  }
  const merged = mergeAcceptedRequests(
    ctx,
    withoutCancelled(
      ctx,
      candidates.filter((c) => !wasRefused(ctx, c) && !wasAlreadyDone(ctx, c)),
    ),
  );

  const actionItems: ActionItem[] = [];
  const nextSteps: NextStep[] = [];
  const commitments: Commitment[] = [];
  const usedSentences = new Set<number>();

  for (const candidate of merged) {
    for (const o of candidate.ordinals) usedSentences.add(o);
    const title = titleOf(ctx, candidate);
    if (title.split(" ").length < 2) continue;
    const due = candidate.dates[0] ?? null;
    const ownerName = candidate.ownerId ? ctx.nameOf(candidate.ownerId) : null;
    if (candidate.kind === "commitment" || candidate.kind === "joint") {
      commitments.push({
        text: neutralize(candidate.source, ctx.partiesFor(candidate.askerId)),
        speaker: ctx.nameOf(candidate.askerId),
        sourceSegmentIds: candidate.sourceSegmentIds,
      });
    }
    if (isLaunchable(candidate)) {
      actionItems.push(buildActionItem(ctx, candidate, title, due));
    } else {
      nextSteps.push({
        text: title,
        ownerSpeaker: ownerName,
        when: due?.date ?? null,
        sourceSegmentIds: candidate.sourceSegmentIds,
      });
    }
  }
  return { actionItems: dedupe(actionItems), nextSteps, commitments, usedSentences };
}

/**
 * "I'll prepare the plan and I'll send you the invoice" holds two tasks. Speech without
 * punctuation ("ok we need the form too can you send it") is also cut where a request
 * or commitment opens, and a clause in another language becomes its English gloss.
 */
function clausesOf(text: string): string[] {
  return text
    .replace(/[’]/g, "'")
    .split(
      /;|,?\s+\b(?:and|but|then|so|also)(?:\s+(?:and|then|so|also))*\s+(?=(?:i|i'll|i'm|we|we'll|let's|can you|could you|would you|please)\b)/i,
    )
    .flatMap((c) =>
      c.split(
        /(?<!\b(?:if|you|maybe|perhaps|probably|think|guess|hope|said|promised|that|unless|once|when))\s+(?=(?:can you|could you|would you|will you|i'll|i will|let's|don't forget to|remind me)\b)/i,
      ),
    )
    .map((c) =>
      c.replace(/[\s,]+(?:and|but|then|so|also|okay|ok|yeah|yep)(?:\s+(?:and|but|then|so|also))*\s*$/i, "").trim(),
    )
    .flatMap((c) => glossClause(c) ?? [c])
    .filter((c) => c !== "");
}

/**
 * A pattern match is a task only when its polarity, tense and modality say so: not
 * negated ("please don't call me"), not already done, not a maybe without a time
 * ("we should catch up sometime"), and headed by a real verb ("could you two…" is not).
 */
function detect(ctx: CallContext, sentence: Sentence, text: string): Candidate | null {
  const candidate = match(ctx, sentence, text);
  if (!candidate) return null;
  const at = sentence.text.indexOf(text);
  if (candidate.dates.length === 0 && at > 0 && CONDITION.test(sentence.text)) {
    candidate.dates = datesIn(ctx, sentence.text.slice(0, at));
  }
  const verbs = nlp(candidate.clause).verbs().json() as Array<{
    terms?: Array<{ tags?: string[] }>;
    verb?: { negative?: boolean; grammar?: { tense?: string } };
  }>;
  const head = candidate.clause.trim().split(/\s+/)[0]!.toLowerCase().replace(/'.*$/, "");
  if (NEGATED_VERBS.has(head) || verbs[0]?.verb?.negative) return null;
  if (candidate.kind !== "reminder" && verbs[0]?.verb?.grammar?.tense === "PastTense" && DONE.test(text)) return null;
  const headTags = (nlp(candidate.clause).terms().json() as Array<{ terms: Array<{ tags: string[] }> }>)[0]?.terms[0]
    ?.tags;
  if (headTags?.some((t) => t === "Value" || t === "Pronoun" || t === "Determiner")) return null;
  if (candidate.dates.length === 0) {
    if (VAGUE_TIME.test(sentence.text) && candidate.kind !== "reminder") return null;
    if (HEDGE.test(sentence.text) && (candidate.kind === "commitment" || candidate.kind === "joint")) return null;
  }
  return candidate;
}

function match(ctx: CallContext, sentence: Sentence, text: string): Candidate | null {
  const speakerId = sentence.segment.speakerId;
  const base = {
    sentence,
    source: text,
    askerId: speakerId,
    sourceSegmentIds: [sentence.segment.id],
    ordinals: [sentence.ordinal],
  };

  const remind = REMIND_ME.exec(text);
  if (remind?.[1] && tokenize(remind[1]).length >= 2) {
    // The reminder is for whoever asked to be reminded: it lands on their phone.
    const clause = `remind me to ${remind[1]}`;
    return { ...base, kind: "reminder", ownerId: speakerId, clause, dates: datesIn(ctx, text), intent: "reminder" };
  }
  const request = REQUEST.exec(text);
  if (request && isTaskVerb(request[1]!, request[2]!)) {
    const clause = `${request[1]}${request[2]}`;
    return {
      ...base,
      kind: "request",
      ownerId: addresseeOf(ctx, sentence),
      clause,
      dates: datesIn(ctx, text),
      intent: classifyIntent(clause),
    };
  }
  // "I can" is only an offer when it is not a question ("can I…?" is caught above as no match).
  const commitment = COMMITMENT.exec(text);
  if (commitment && isTaskVerb(commitment[1]!, commitment[2]!) && !/\?\s*$/.test(text)) {
    const clause = `${commitment[1]}${commitment[2]}`;
    return {
      ...base,
      kind: "commitment",
      ownerId: speakerId,
      clause,
      dates: datesIn(ctx, text),
      intent: classifyIntent(clause),
    };
  }
  const joint = JOINT.exec(text);
  if (joint && isTaskVerb(joint[1]!, joint[2]!)) {
    const clause = `${joint[1]}${joint[2]}`;
    const intent = MEETING_VERBS.has(joint[1]!.toLowerCase()) ? "meeting" : classifyIntent(clause);
    return { ...base, kind: "joint", ownerId: speakerId, clause, dates: datesIn(ctx, text), intent };
  }
  const plan = PERSONAL_PLAN.exec(text);
  if (plan && isTaskVerb(plan[1]!, plan[2]!)) {
    const clause = `${plan[1]}${plan[2]}`;
    return {
      ...base,
      kind: "commitment",
      ownerId: speakerId,
      clause,
      dates: datesIn(ctx, text),
      intent: classifyIntent(clause),
    };
  }
  return null;
}

function isTaskVerb(verb: string, rest: string): boolean {
  const lower = verb.toLowerCase();
  if (!NON_TASK_VERBS.has(lower)) return tokenize(rest).length >= 1;
  return TASK_OBJECTS.test(rest) && !/^\s*(?:honest|frank|sure|right|fine|okay)\b/i.test(rest);
}

function datesIn(ctx: CallContext, text: string): ResolvedDate[] {
  return resolveDates(text, ctx.reference);
}

/** Who a request is addressed to: a named speaker, else the only other party, else whoever answers. */
function addresseeOf(ctx: CallContext, sentence: Sentence): string | null {
  const speakerId = sentence.segment.speakerId;
  const lower = sentence.text.toLowerCase();
  const named = ctx.speakers.filter((s) => {
    if (s.speakerId === speakerId || !s.displayName) return false;
    const first = s.displayName.trim().split(/\s+/)[0]!.toLowerCase();
    return new RegExp(`\\b${escapeRegExp(first)}\\b`).test(lower);
  });
  if (named.length === 1) return named[0]!.speakerId;
  const counterpart = ctx.counterpartOf(speakerId);
  if (counterpart) return counterpart.speakerId;
  const next = ctx.input.segments[ctx.segmentIndex(sentence.segment.id) + 1];
  return next && next.speakerId !== speakerId ? next.speakerId : null;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function replyTo(ctx: CallContext, candidate: Candidate) {
  const index = ctx.segmentIndex(candidate.sentence.segment.id);
  return ctx.input.segments.slice(index + 1, index + 3).find((s) => s.speakerId !== candidate.askerId);
}

function wasRefused(ctx: CallContext, candidate: Candidate): boolean {
  if (candidate.kind !== "request") return false;
  const reply = replyTo(ctx, candidate);
  return reply !== undefined && reply.speakerId === candidate.ownerId && REFUSAL.test(reply.text);
}

/** "Can you send me the NDA?" — "I already sent it last Friday.": nothing left to do. */
function wasAlreadyDone(ctx: CallContext, candidate: Candidate): boolean {
  if (candidate.kind !== "request") return false;
  const reply = replyTo(ctx, candidate);
  if (!reply || reply.speakerId !== candidate.ownerId || !DONE.test(reply.text)) return false;
  const verbs = nlp(reply.text).verbs().json() as Array<{ verb?: { grammar?: { tense?: string } } }>;
  return verbs.some((v) => v.verb?.grammar?.tense === "PastTense");
}

/**
 * "I'll book the room." — "Actually, no need." calls the task off: a cancellation takes
 * back the latest task said before it, within the next two turns. When it names what
 * it cancels ("no need to send the deck"), it takes back only a task about that.
 */
function withoutCancelled(ctx: CallContext, candidates: Candidate[]): Candidate[] {
  const cancelled = new Set<Candidate>();
  for (const sentence of ctx.sentences) {
    const cancellation = CANCELLATION.exec(sentence.text);
    if (!cancellation) continue;
    const named = contentWordsOf(tokenize(cancellation[1] ?? ""));
    const at = ctx.segmentIndex(sentence.segment.id);
    const target = [...candidates]
      .reverse()
      .find(
        (c) =>
          !cancelled.has(c) &&
          c.sentence.ordinal < sentence.ordinal &&
          at - ctx.segmentIndex(c.sentence.segment.id) <= 2 &&
          (named.length === 0 || sentenceJaccard(named, contentWordsOf(tokenize(c.clause))) > 0),
      );
    if (target) cancelled.add(target);
  }
  return candidates.filter((c) => !cancelled.has(c));
}

/**
 * "Can you send me the contract by Friday?" — "Sure, I'll send it tonight." is one task:
 * the acceptance joins the request (its segments and any sharper date) instead of
 * becoming a second item.
 */
function mergeAcceptedRequests(ctx: CallContext, candidates: Candidate[]): Candidate[] {
  const result: Candidate[] = [];
  for (const candidate of candidates) {
    const request = [...result].reverse().find(
      (r) =>
        r.kind === "request" &&
        candidate.kind === "commitment" &&
        r.ownerId === candidate.ownerId &&
        ctx.segmentIndex(candidate.sentence.segment.id) - ctx.segmentIndex(r.sentence.segment.id) <= 2 &&
        ctx.segmentIndex(candidate.sentence.segment.id) > ctx.segmentIndex(r.sentence.segment.id) &&
        // "Send the forms?" — "Yes, and I'll call you Tuesday about them" is a second task.
        (r.intent === candidate.intent || r.intent === "task" || candidate.intent === "task") &&
        (isAnaphoric(candidate.clause) ||
          sentenceJaccard(contentWordsOf(tokenize(r.clause)), contentWordsOf(tokenize(candidate.clause))) >= 0.3),
    );
    const meeting =
      candidate.intent === "meeting" && /\b(?:invite|invitation|link)\b/i.test(candidate.clause)
        ? [...result]
            .reverse()
            .find(
              (m) =>
                m.intent === "meeting" &&
                m.ownerId === candidate.ownerId &&
                ctx.segmentIndex(candidate.sentence.segment.id) - ctx.segmentIndex(m.sentence.segment.id) <= 1,
            )
        : undefined;
    const host = request ?? meeting;
    if (host) {
      host.sourceSegmentIds = [...new Set([...host.sourceSegmentIds, ...candidate.sourceSegmentIds])];
      host.ordinals.push(...candidate.ordinals);
      if (host.dates.length === 0) host.dates = candidate.dates;
      continue;
    }
    result.push(candidate);
  }
  return result;
}

/** "send it over", "do that": an acceptance that points back at the request. */
function isAnaphoric(clause: string): boolean {
  return /\b(?:it|that|this|them|those|one)\b/i.test(clause) && contentWordsOf(tokenize(clause)).length <= 3;
}

/** Verbs that hand work to, or report to, someone else: trackable even without "you". */
const HANDOFF_VERBS = new Set(
  "escalate forward notify inform update confirm follow share submit file order pay transfer refund raise open sign approve process ship deliver contact reach loop introduce connect cancel renew reset resolve investigate credit issue arrange book email".split(
    " ",
  ),
);

function isLaunchable(candidate: Candidate): boolean {
  if (candidate.intent !== "task" && candidate.intent !== "none") return true;
  if (candidate.kind === "request") return true;
  if (candidate.kind !== "commitment") return false;
  // A deliverable for the other party ("I'll get you the numbers") or a hand-off
  // ("I'll escalate this to engineering") is a task to track; "I'll prepare the deck"
  // is the speaker's own plan and goes to next steps.
  const verb = candidate.clause.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
  return HANDOFF_VERBS.has(verb) || /\b(?:you|your)\b/i.test(candidate.clause);
}

/** The channel a head verb names outright: "text me a reminder" is a message, not a reminder. */
const CHANNEL_VERBS: Record<string, ActionIntent> = {
  text: "message",
  message: "message",
  whatsapp: "message",
  sms: "message",
  ping: "message",
  email: "email",
  "e-mail": "email",
  mail: "email",
  call: "call",
  ring: "call",
  phone: "call",
};

function classifyIntent(clause: string): ActionIntent {
  const lower = clause.toLowerCase();
  const head = CHANNEL_VERBS[lower.trim().split(/\s+/)[0] ?? ""];
  if (head) return head;
  if (/\bremind/.test(lower)) return "reminder";
  if (
    /\b(?:schedule|set up|book|arrange|organi[sz]e|plan|reschedule)\b.*\b(?:meeting|call|demo|session|chat|sync|appointment|catch[- ]?up|review|walkthrough|interview|time)\b/.test(
      lower,
    ) ||
    /\b(?:meet|catch up|sync up|get together|calendar invite|invite|zoom|google meet|teams)\b/.test(lower)
  ) {
    return "meeting";
  }
  if (/\b(?:text|message|whatsapp|sms|telegram|ping|dm|imessage)\b/.test(lower)) return "message";
  if (/\be-?mail\b|\binbox\b/.test(lower)) return "email";
  if (/\b(?:call|ring|phone|dial)\b/.test(lower)) return "call";
  if (/\b(?:send|forward|share)\b/.test(lower)) return "email";
  return "task";
}

function titleOf(ctx: CallContext, candidate: Candidate): string {
  let clause = candidate.clause;
  for (const date of candidate.dates) {
    const at = clause.indexOf(date.text);
    if (at >= 0)
      clause = `${clause.slice(0, at).replace(DATE_LEAD, "")} ${clause.slice(at + date.text.length)}`
        .replace(/\s+,/g, ",")
        .trim();
  }
  clause = clause
    .replace(/\b(?:please|for me|okay|ok|right|alright|as well|if you can|if possible|thanks|thank you)\b/gi, " ")
    .replace(/[?!.,;:]+\s*$/g, "")
    .replace(/\s*,\s*$/, "")
    .replace(/\s+/g, " ")
    .trim();
  // Keep the task, not the trailing aside ("…tickets, the cheap ones sell out fast").
  const comma = clause.indexOf(",");
  if (comma > 0 && clause.slice(0, comma).split(" ").length >= 3) clause = clause.slice(0, comma);
  const words = clause.split(" ");
  if (words.length > 14) clause = words.slice(0, 14).join(" ");
  // Requests are phrased from the asker ("send me"), commitments from the owner ("send you").
  const parties = ctx.partiesFor(
    candidate.askerId,
    candidate.kind === "request" || candidate.kind === "reminder" ? candidate.ownerId : null,
  );
  return capitalize(neutralize(clause, parties).replace(/[.!?]+$/, ""));
}

function buildActionItem(ctx: CallContext, candidate: Candidate, title: string, due: ResolvedDate | null): ActionItem {
  const owner: AnalysisSpeaker | undefined = candidate.ownerId ? ctx.speakerOf(candidate.ownerId) : undefined;
  const sentenceText = candidate.clause;
  const description = candidate.ordinals
    .map((o) => ctx.sentences[o])
    .filter((s): s is Sentence => s !== undefined)
    .map((s) => neutralize(s.text, ctx.partiesFor(s.segment.speakerId)))
    .join(" ");
  return {
    title,
    description,
    ownerSpeaker: owner ? ctx.nameOf(owner.speakerId) : null,
    ownerSpeakerId: owner?.speakerId ?? null,
    ownerSpeakerLabel: owner?.label ?? null,
    ownerDisplayName: owner?.displayName ?? null,
    ownerRole: owner?.role ?? null,
    dueDate: due?.date ?? null,
    priority:
      URGENT.test(sentenceText) || (due !== null && due.date === isoDay(ctx.reference))
        ? "high"
        : RELAXED.test(sentenceText)
          ? "low"
          : "medium",
    sourceSegmentIds: candidate.sourceSegmentIds,
    intent: candidate.intent,
    intentMetadata: intentMetadataFor(ctx, candidate, title, due),
  };
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const PROVIDERS: Array<[RegExp, NonNullable<IntentMetadata["providerHint"]>]> = [
  [/\bzoom\b/i, "zoom"],
  [/\b(?:google meet|gmeet|meet link)\b/i, "meet"],
  [/\b(?:microsoft )?teams\b/i, "teams"],
  [/\bwhats ?app\b/i, "whatsapp"],
  [/\btelegram\b/i, "telegram"],
  [/\b(?:sms|text message|texts?)\b/i, "sms"],
  [/\b(?:phone|call|ring|dial)\b/i, "phone"],
];

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  ten: 10,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  "forty-five": 45,
  sixty: 60,
  ninety: 90,
};

/** Only what the words say: no provider, address, number or name that was not spoken. */
function intentMetadataFor(
  ctx: CallContext,
  candidate: Candidate,
  title: string,
  due: ResolvedDate | null,
): IntentMetadata | null {
  if (candidate.intent === "task" || candidate.intent === "none") return null;
  const segmentTexts = candidate.sourceSegmentIds.map((id) => ctx.input.segments[ctx.segmentIndex(id)]?.text ?? "");
  const text = segmentTexts.join(" ");
  const meta: IntentMetadata = {};
  const provider =
    PROVIDERS.find(
      ([pattern, hint]) => pattern.test(candidate.clause) && (hint !== "phone" || candidate.intent === "call"),
    ) ?? PROVIDERS.find(([pattern, hint]) => hint !== "phone" && pattern.test(candidate.source));
  if (provider) meta.providerHint = provider[1];

  const emails = emailsIn(text);
  const namesSaid = (nlp(candidate.source).people().out("array") as string[])
    .map((n) => n.replace(/[^\p{L}\s'-]/gu, "").trim())
    .filter(Boolean);
  const recipient = recipientOf(ctx, candidate);
  const recipientName = namesSaid[0] ?? recipient?.displayName ?? null;

  switch (candidate.intent) {
    case "meeting": {
      if (due) meta.proposedAt = due.dateTime ?? due.date;
      const minutes = durationMinutes(candidate.source);
      if (minutes !== null) meta.durationMinutes = minutes;
      meta.title = title;
      const attendees = namesSaid.map((name, i) => (emails[i] ? { name, email: emails[i] } : { name }));
      if (attendees.length > 0) meta.attendees = attendees;
      break;
    }
    case "email":
      if (emails[0]) meta.toEmail = emails[0];
      if (recipientName) meta.toName = recipientName;
      meta.subject = title;
      break;
    case "call":
    case "message": {
      const phone = /(?:\+?\d[\d\s().-]{5,}\d)/.exec(text)?.[0];
      if (phone && phone.replace(/\D/g, "").length >= 7) meta.phoneNumber = phone.trim();
      if (recipientName) meta.contactName = recipientName;
      if (candidate.intent === "message" && meta.providerHint) meta.channel = meta.providerHint;
      break;
    }
    case "reminder":
      if (due) meta.remindAt = due.dateTime ?? due.date;
      meta.title = title;
      break;
  }
  return meta;
}

/** The party on the receiving end: the asker for requests ("send me"), the other party for commitments ("send you"). */
function recipientOf(ctx: CallContext, candidate: Candidate): AnalysisSpeaker | undefined {
  if (candidate.kind === "request" || candidate.kind === "reminder") {
    return /\b(?:me|my)\b/i.test(candidate.clause) ? ctx.speakerOf(candidate.askerId) : undefined;
  }
  return /\b(?:you|your)\b/i.test(candidate.clause) ? ctx.counterpartOf(candidate.askerId) : undefined;
}

function durationMinutes(text: string): number | null {
  const match =
    /\b(\d+|an?|one|two|three|ten|fifteen|twenty|thirty|forty-five|sixty|ninety|half an?)\s*-?\s*(minutes?|mins?|hours?|hrs?)\b/i.exec(
      text,
    );
  if (!match) return null;
  const amountWord = match[1]!.toLowerCase();
  const amount = amountWord.startsWith("half")
    ? 0.5
    : /^\d+$/.test(amountWord)
      ? Number(amountWord)
      : (NUMBER_WORDS[amountWord] ?? null);
  if (amount === null) return null;
  return /^h/i.test(match[2]!) ? amount * 60 : amount;
}

function dedupe(items: ActionItem[]): ActionItem[] {
  const kept: ActionItem[] = [];
  for (const item of items) {
    const words = contentWordsOf(tokenize(item.title ?? ""));
    const twin = kept.find(
      (k) =>
        k.ownerSpeakerId === item.ownerSpeakerId &&
        sentenceJaccard(contentWordsOf(tokenize(k.title ?? "")), words) >= 0.6,
    );
    if (!twin) {
      kept.push(item);
      continue;
    }
    twin.sourceSegmentIds = [...new Set([...(twin.sourceSegmentIds ?? []), ...(item.sourceSegmentIds ?? [])])];
    twin.dueDate ??= item.dueDate ?? null;
  }
  return kept;
}
