import { groundDocument } from "../grounding";
import { ANALYSIS_SCHEMA_VERSION, type AnalysisDocument } from "../schema";
import { AnalysisError, type AnalysisInput, type AnalysisOutcome, type AnalyzeOptions, type Analyzer } from "../types";
import { extractActions } from "./actions";
import { buildContext, type CallContext } from "./context";
import { sentimentOf, toneOf } from "./mood";
import {
  executiveSummary,
  executiveSummaryBullets,
  FactLedger,
  guessCallType,
  keyDiscussionPoints,
  qualityWarnings,
  rankBySalience,
  segmentTopics,
  topicWords,
} from "./narrative";
import {
  decisions,
  importantDates,
  numbersAndAmounts,
  openQuestions,
  opportunities,
  peopleMentioned,
  risks,
} from "./signals";
import { capitalize } from "./text";

export const OFFLINE_ANALYZER_VERSION = "offline-heuristic-1";

/**
 * The built-in analyser: no network, no key, deterministic. It fills the v3 document
 * from the transcript alone with rule-based NLP (chrono, AFINN sentiment, compromise).
 */
export function createOfflineAnalyzer(): Analyzer {
  return {
    name: "offline",
    model: OFFLINE_ANALYZER_VERSION,
    async analyze(input: AnalysisInput, options?: AnalyzeOptions): Promise<AnalysisOutcome> {
      if (options?.signal?.aborted) throw new AnalysisError("analysis_aborted", { retryable: true });
      const document = groundDocument(analyzeOffline(input), input);
      return { document, provider: "offline", model: OFFLINE_ANALYZER_VERSION };
    },
  };
}

function analyzeOffline(input: AnalysisInput): AnalysisDocument {
  const ctx = buildContext(input);
  const callType = guessCallType(ctx);
  const actions = extractActions(ctx);
  const ledger = new FactLedger(actions.usedSentences);

  // Structured facts claim their sentences first, so the free-text fields cannot repeat them.
  const questions = openQuestions(ctx, actions.usedSentences);
  const decided = decisions(ctx, actions.usedSentences).slice(0, 5);
  const worries = risks(
    ctx,
    new Set([...actions.usedSentences, ...decided.map((d) => d.ordinal), ...questions.map((q) => q.ordinal)]),
  ).slice(0, 4);
  const openings = opportunities(
    ctx,
    new Set([...actions.usedSentences, ...decided.map((d) => d.ordinal), ...worries.map((r) => r.ordinal)]),
  ).slice(0, 3);
  for (const fact of [...decided, ...worries, ...openings, ...questions]) {
    const sentence = ctx.sentences[fact.ordinal];
    if (sentence) ledger.claim(sentence);
  }

  const outcome = outcomeOf(actions.actionItems.length, decided.length, questions.length);
  const ranked = rankBySalience(ctx);
  const chunks = segmentTopics(ctx);
  const summary = executiveSummary(ctx, callType, ranked, ledger, outcome);
  const points = keyDiscussionPoints(ctx, ranked, ledger, chunks);
  const bullets = executiveSummaryBullets(ctx, chunks, ranked, ledger);
  const sentiment = sentimentOf(ctx);
  const tone = toneOf(ctx, sentiment.overall ?? "unclear");
  const topics = topicWords(ctx.sentences, 3);

  const strip = <T extends { ordinal: number }>(facts: T[]) => facts.map(({ ordinal: _ordinal, ...rest }) => rest);
  const sections = [
    section(
      "decisions",
      "Decisions",
      decided.map((d) => ({
        ...d,
        importance: "high" as const,
        speaker: speakerOfSegment(ctx, d.sourceSegmentIds[0]),
      })),
    ),
    section(
      "commitments",
      "Commitments",
      actions.commitments.map((c) => ({
        text: c.text,
        importance: "high" as const,
        speaker: c.speaker,
        sourceSegmentIds: c.sourceSegmentIds,
      })),
    ),
    section(
      "risks",
      "Concerns and risks",
      worries.map((r) => ({
        ...r,
        importance: "medium" as const,
        speaker: speakerOfSegment(ctx, r.sourceSegmentIds[0]),
      })),
    ),
    section(
      "opportunities",
      "Opportunities",
      openings.map((o) => ({
        ...o,
        importance: "medium" as const,
        speaker: speakerOfSegment(ctx, o.sourceSegmentIds[0]),
      })),
    ),
    section(
      "open-questions",
      "Open questions",
      questions.map((q) => ({
        text: q.text,
        importance: "medium" as const,
        speaker: q.askedBy,
        sourceSegmentIds: q.sourceSegmentIds,
      })),
    ),
  ].filter((s) => s.items.length > 0);

  const contact = ctx.speakers.find((s) => s.role === "CONTACT" && s.displayName)?.displayName ?? null;
  const subject = topics.length > 0 ? capitalize(topics.slice(0, 2).join(" and ")) : "Call";
  const kindWord = callType === "unknown" || callType === "other" ? "Call" : `${capitalize(callType)} call`;

  return {
    schemaVersion: ANALYSIS_SCHEMA_VERSION,
    callType,
    suggestedTitle: contact ? `${subject} with ${contact}` : subject,
    oneLineSummary: topics.length > 0 ? `${kindWord} about ${topics.join(", ")}.` : `${kindWord}.`,
    executiveSummary: summary,
    executiveSummaryBullets: bullets,
    conversationOutcome: outcome,
    sections,
    keyDiscussionPoints: points,
    actionItems: actions.actionItems,
    nextSteps: actions.nextSteps,
    followUps: actions.actionItems
      .filter((a) => a.intent === "meeting" || a.intent === "call")
      .map((a) => ({ text: a.title ?? "", when: a.dueDate ?? null, sourceSegmentIds: a.sourceSegmentIds ?? [] })),
    importantDates: importantDates(ctx),
    decisions: strip(decided),
    commitments: actions.commitments,
    openQuestions: strip(questions),
    risks: strip(worries),
    opportunities: strip(openings),
    peopleMentioned: peopleMentioned(ctx),
    numbersAndAmounts: numbersAndAmounts(ctx),
    sentiment,
    tone,
    tags: tagsOf(callType, topics, actions.actionItems.length > 0),
    qualityWarnings: qualityWarnings(ctx),
  };
}

function section(
  id: string,
  title: string,
  items: Array<{
    text: string;
    importance: "high" | "medium" | "low";
    speaker: string | null;
    sourceSegmentIds: string[];
  }>,
) {
  return {
    id,
    title,
    type: id,
    summary: `${items.length} ${items.length === 1 ? "item" : "items"}.`,
    items: items.map(({ text, importance, speaker, sourceSegmentIds }) => ({
      text,
      importance,
      speaker,
      sourceSegmentIds,
    })),
  };
}

function speakerOfSegment(ctx: CallContext, segmentId: string | undefined): string | null {
  const segment = segmentId ? ctx.input.segments[ctx.segmentIndex(segmentId)] : undefined;
  return segment ? ctx.nameOf(segment.speakerId) : null;
}

function outcomeOf(actionItems: number, decisionCount: number, questionCount: number): string | null {
  const parts: string[] = [];
  if (actionItems > 0) parts.push(`${actionItems} action ${actionItems === 1 ? "item" : "items"}`);
  if (decisionCount > 0) parts.push(`${decisionCount} ${decisionCount === 1 ? "decision" : "decisions"}`);
  if (questionCount > 0) parts.push(`${questionCount} open ${questionCount === 1 ? "question" : "questions"}`);
  if (parts.length === 0) return null;
  return `The call ended with ${parts.join(", ")}.`;
}

function tagsOf(callType: string, topics: readonly string[], hasActions: boolean): string[] {
  const tags = [
    callType !== "unknown" && callType !== "other" ? callType : null,
    ...topics,
    hasActions ? "follow-up" : null,
  ];
  return [...new Set(tags.filter((t): t is string => Boolean(t)).map((t) => t.toLowerCase()))].slice(0, 6);
}
