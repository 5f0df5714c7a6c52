import { describe, expect, it } from "vitest";
import {
  type ActionItem,
  type AnalysisDocument,
  type AnalysisInput,
  analysisDocumentSchema,
  createOfflineAnalyzer,
} from "../src/index";
import { scriptedCalls } from "./fixture-calls";
import { citedSegmentIds, PRIYA_AND_RAVI, transcript } from "./transcripts";

const analyzer = createOfflineAnalyzer();

async function analyse(input: AnalysisInput): Promise<AnalysisDocument> {
  const outcome = await analyzer.analyze(input);
  expect(outcome.provider).toBe("offline");
  expect(analysisDocumentSchema.safeParse(outcome.document).success).toBe(true);
  const known = new Set(input.segments.map((s) => s.id));
  for (const id of citedSegmentIds(outcome.document)) expect(known).toContain(id);
  return outcome.document;
}

function itemTitled(doc: AnalysisDocument, ...words: string[]): ActionItem | undefined {
  return doc.actionItems?.find((a) => words.every((w) => a.title?.toLowerCase().includes(w.toLowerCase())));
}

describe("offline analyser on the scripted fixture calls", () => {
  const calls = scriptedCalls();
  it("finds the fixture calls", () => {
    expect(calls.map((c) => c.name)).toEqual(
      expect.arrayContaining(["personal-call", "sales-follow-up", "support-call"]),
    );
  });

  for (const call of calls) {
    describe(call.name, () => {
      it("finds every scripted action item with its owner, due date and intent", async () => {
        const doc = await analyse(call.input);
        for (const expected of call.script.expected.actionItems) {
          const item = itemTitled(doc, ...expected.titleIncludes);
          expect(item, `action item with ${expected.titleIncludes.join(", ")}`).toBeDefined();
          expect(item!.ownerRole).toBe(expected.ownerRole);
          expect(item!.dueDate).toBe(expected.dueDate);
          if (expected.intent) expect(item!.intent).toBe(expected.intent);
          if (expected.intentMetadata) expect(item!.intentMetadata).toMatchObject(expected.intentMetadata);
        }
        for (const word of call.script.expected.actionItemsMustNotInclude ?? []) {
          expect(doc.actionItems?.some((a) => a.title?.toLowerCase().includes(word.toLowerCase()))).toBe(false);
        }
      });

      it("puts personal plans in next steps, keeps open questions and amounts", async () => {
        const doc = await analyse(call.input);
        const ownerRoleOf = (name: string | null | undefined) =>
          call.input.speakers.find((s) => (s.displayName ?? s.label) === name)?.role;
        for (const expected of call.script.expected.nextSteps) {
          const step = doc.nextSteps?.find((s) =>
            expected.textIncludes.every((w) => s.text?.toLowerCase().includes(w.toLowerCase())),
          );
          expect(step, `next step with ${expected.textIncludes.join(", ")}`).toBeDefined();
          expect(ownerRoleOf(step!.ownerSpeaker)).toBe(expected.ownerRole);
          expect(step!.when).toBe(expected.when);
        }
        for (const expected of call.script.expected.openQuestions ?? []) {
          expect(
            doc.openQuestions?.some((q) => expected.textIncludes.every((w) => q.text?.toLowerCase().includes(w))),
          ).toBe(true);
        }
        for (const amount of call.script.expected.amounts ?? []) {
          expect(doc.numbersAndAmounts?.map((n) => n.text)).toContain(amount);
        }
        if (call.script.expected.callType) expect(doc.callType).toBe(call.script.expected.callType);
      });

      it("invents and leaks nothing", async () => {
        const json = JSON.stringify(await analyse(call.input));
        for (const forbidden of call.script.expected.mustNotAppear) expect(json).not.toContain(forbidden);
        const spoken = call.input.segments
          .map((s) => s.text)
          .join(" ")
          .toLowerCase();
        for (const email of json.match(/[\w.+-]+@[\w-]+\.[\w.]+/g) ?? []) expect(spoken).toContain(email.toLowerCase());
      });
    });
  }
});

describe("offline analyser on hand-written calls", () => {
  it("resolves commitment due dates relative to recordedAt, not to the processing time", async () => {
    const doc = await analyse(
      transcript(PRIYA_AND_RAVI, [
        ["spk_2", "Thanks for calling. We looked at the numbers."],
        ["spk_1", "Great. I'll send you the updated quote by end of the week."],
        ["spk_2", "Could you also share the security questionnaire on the 5th?"],
        ["spk_1", "Sure, I'll share it then. I will call the vendor tomorrow about the delivery."],
        ["spk_2", "Please book the training room for next Tuesday, it's urgent."],
      ]),
    );
    expect(itemTitled(doc, "quote")).toMatchObject({
      ownerSpeakerId: "spk_1",
      ownerRole: "USER",
      dueDate: "2026-05-29",
      intent: "email",
    });
    // The request goes to the one asked, and the acceptance does not become a second item.
    expect(itemTitled(doc, "security questionnaire")).toMatchObject({ ownerSpeakerId: "spk_1", dueDate: "2026-06-05" });
    expect(itemTitled(doc, "security questionnaire")!.sourceSegmentIds).toEqual(["seg_0003", "seg_0004"]);
    expect(doc.actionItems?.filter((a) => /questionnaire|share it/i.test(a.title ?? ""))).toHaveLength(1);
    expect(itemTitled(doc, "vendor")).toMatchObject({ ownerSpeakerId: "spk_1", dueDate: "2026-05-28", intent: "call" });
    expect(itemTitled(doc, "training room")).toMatchObject({
      ownerSpeakerId: "spk_1",
      dueDate: "2026-06-02",
      priority: "high",
    });
  });

  it("drops declined requests and ignores talk that is not a task", async () => {
    const doc = await analyse(
      transcript(PRIYA_AND_RAVI, [
        ["spk_1", "Can you hear me okay? I'll be honest, the last release was rough."],
        ["spk_2", "Yes. Can you waive the setup fee this quarter?"],
        ["spk_1", "Sorry, I can't do that, the fee is fixed."],
      ]),
    );
    expect(doc.actionItems).toEqual([]);
  });

  it("grounds intent metadata in the words: provider, email and attendees only when said", async () => {
    const doc = await analyse(
      transcript(PRIYA_AND_RAVI, [
        ["spk_2", "Let's schedule a 30 minute demo on Teams next Thursday at 2 pm."],
        ["spk_1", "Works for me. I'll email the agenda to ravi.k@example.org today."],
        ["spk_2", "And I'll text you the dial-in on WhatsApp."],
        ["spk_1", "Let's meet again next month."],
      ]),
    );
    const demo = itemTitled(doc, "demo")!;
    expect(demo).toMatchObject({ intent: "meeting", ownerSpeakerId: "spk_2", dueDate: "2026-06-04" });
    expect(demo.intentMetadata).toMatchObject({
      providerHint: "teams",
      durationMinutes: 30,
      proposedAt: "2026-06-04T14:00:00.000Z",
    });
    expect(itemTitled(doc, "agenda")).toMatchObject({
      intent: "email",
      priority: "high",
      intentMetadata: { toEmail: "ravi.k@example.org" },
    });
    const text = itemTitled(doc, "dial-in")!;
    expect(text).toMatchObject({
      intent: "message",
      intentMetadata: { providerHint: "whatsapp", channel: "whatsapp", contactName: "Priya" },
    });
    const again = itemTitled(doc, "meet again")!;
    expect(again.intent).toBe("meeting");
    expect(again.intentMetadata?.providerHint).toBeUndefined();
    expect(again.intentMetadata?.attendees).toBeUndefined();
  });

  it("lists unanswered questions, amounts and people without inventing any", async () => {
    const doc = await analyse(
      transcript(PRIYA_AND_RAVI, [
        ["spk_1", "The renewal is $4,500 for 20 seats, and we can take 10% off."],
        ["spk_2", "Does that include support for the Berlin office?"],
        ["spk_1", "I'm not sure, let me check with Anna Schmidt."],
        ["spk_2", "My number is 555 201 7788 if you need it."],
        ["spk_2", "What about the migration timeline?"],
      ]),
    );
    const amounts = doc.numbersAndAmounts?.map((n) => n.text) ?? [];
    expect(amounts).toEqual(expect.arrayContaining(["$4,500", "20", "10%"]));
    expect(doc.numbersAndAmounts?.find((n) => n.text === "20")?.unit).toBe("seats");
    expect(JSON.stringify(doc)).not.toMatch(/555|7788/);
    expect(doc.openQuestions?.map((q) => q.text)).toEqual([
      "Does that include support for the Berlin office?",
      "What about the migration timeline?",
    ]);
    expect(doc.peopleMentioned?.map((p) => p.name)).toContain("Anna Schmidt");
  });

  it("writes speaker-neutral narrative and never repeats a sentence across narrative fields", async () => {
    const input = transcript(PRIYA_AND_RAVI, [
      ["spk_1", "Hi Ravi, thanks for making time today."],
      ["spk_2", "Happy to. Our team loved the pilot, the dashboards saved us hours every week."],
      ["spk_1", "That's great to hear. The enterprise plan adds single sign-on and audit logs."],
      ["spk_2", "We decided to go with the enterprise plan for the whole company."],
      ["spk_2", "I'm worried about the migration, our data export is messy and the deadline is tight."],
      ["spk_1", "Our onboarding team handles migrations, they usually finish within two weeks."],
      ["spk_2", "The finance team needs the invoice split across two cost centres."],
      ["spk_1", "I'll prepare the onboarding plan and I'll send you the invoice details by Monday."],
      ["spk_2", "Perfect, thank you Priya."],
    ]);
    const doc = await analyse(input);
    const narrative = [
      doc.executiveSummary ?? "",
      ...(doc.executiveSummaryBullets ?? []).flatMap((b) => b.paragraphs ?? []),
      ...(doc.keyDiscussionPoints ?? []).map((p) => p.text ?? ""),
      ...(doc.sections ?? []).flatMap((s) => (s.items ?? []).map((i) => i.text ?? "")),
    ];
    for (const line of narrative) expect(line).not.toMatch(/\b(?:I|I'm|I'll|my|me)\b|Speaker \d said/);
    const sentences = narrative
      .flatMap((t) => t.split(/(?<=[.!?])\s+/))
      .filter((s) => s.split(" ").length > 3 && !s.startsWith("Topics:"));
    expect(new Set(sentences).size).toBe(sentences.length);
    expect(doc.executiveSummary!.split(/(?<=[.!?])\s+/).length).toBeGreaterThanOrEqual(2);
    expect(doc.executiveSummary!.split(/(?<=[.!?])\s+/).length).toBeLessThanOrEqual(4);
    expect(doc.decisions?.[0]?.text).toContain("enterprise plan");
    expect(doc.risks?.map((r) => r.text).join(" ")).toContain("migration");
    expect(doc.nextSteps?.map((s) => s.text)).toContain("Prepare the onboarding plan");
    expect(itemTitled(doc, "invoice details")).toMatchObject({ ownerRole: "USER", dueDate: "2026-06-01" });
    expect(doc.executiveSummaryBullets!.length).toBeGreaterThanOrEqual(3);
    expect(doc.executiveSummaryBullets!.length).toBeLessThanOrEqual(6);
    expect(doc.executiveSummaryBullets![0]!.startTimestamp).toBe("00:00");
    expect(doc.sentiment?.contactSentiment?.overall).toBeDefined();
    expect(doc.sentiment?.progression?.length).toBeGreaterThanOrEqual(2);
    expect(doc.sentiment?.progression?.length).toBeLessThanOrEqual(4);
    for (const tag of doc.tags ?? []) expect(tag).toBe(tag.toLowerCase());
  });

  it("is deterministic and does not depend on the process time zone or clock", async () => {
    const input = transcript(
      PRIYA_AND_RAVI,
      [
        ["spk_1", "I'll send you the contract tomorrow."],
        ["spk_2", "Thanks."],
      ],
      "2026-05-27T23:30:00Z",
    );
    const first = await analyse(input);
    const second = await analyse(structuredClone(input));
    expect(second).toEqual(first);
    expect(itemTitled(first, "contract")?.dueDate).toBe("2026-05-28");
  });

  it("flags very short and empty transcripts", async () => {
    const short = await analyse(
      transcript(PRIYA_AND_RAVI, [
        ["spk_1", "Hello?"],
        ["spk_2", "Wrong number, sorry."],
      ]),
    );
    expect(short.qualityWarnings).toContain("very_short_transcript");
    const empty = await analyse(transcript(PRIYA_AND_RAVI, []));
    expect(empty.qualityWarnings).toContain("empty_transcript");
    expect(empty.actionItems).toEqual([]);
    expect(empty.callType).toBe("unknown");
  });
});
