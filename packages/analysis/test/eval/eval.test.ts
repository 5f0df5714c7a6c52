import { beforeAll, describe, expect, it } from "vitest";
import { type EvalReport, type Figures, formatReport, loadEvalSet, scoreEvalSet } from "./score";

/**
 * The offline analyser on its evaluation set, by kind of speech. The floors are the
 * figures the analyser must keep (see README, "Offline analyser evaluation"): raise
 * them when it gets better, never lower them to make a change pass.
 */
const KIND_FLOOR = { precision: 0.85, recall: 0.85, ownerAccuracy: 0.85, dueDateAccuracy: 0.85, intentAccuracy: 0.85 };
const OVERALL_FLOOR = {
  precision: 0.95,
  recall: 0.95,
  ownerAccuracy: 0.95,
  dueDateAccuracy: 0.95,
  intentAccuracy: 0.95,
};
const KINDS = ["asr", "clean", "conditional", "hinglish", "multiparty", "negation", "past", "vague"];

function below(figures: Figures, floor: Record<string, number>): string[] {
  return Object.entries(floor)
    .filter(([key, min]) => figures[key as keyof Figures] < min)
    .map(([key, min]) => `${key} ${figures[key as keyof Figures].toFixed(2)} < ${min}`);
}

describe("offline analyser evaluation set", () => {
  const calls = loadEvalSet();
  let report: EvalReport;
  beforeAll(async () => {
    report = await scoreEvalSet(calls);
  });

  it("has at least 30 calls covering every kind of speech", () => {
    expect(calls.length).toBeGreaterThanOrEqual(30);
    expect([...new Set(calls.map((c) => c.kind))].sort()).toEqual(KINDS);
    expect(new Set(calls.map((c) => c.name)).size).toBe(calls.length);
  });

  it("keeps precision, recall, owner, due-date and intent accuracy above the floors in every kind", () => {
    const failures = [...report.byKind].flatMap(([kind, figures]) =>
      below(figures, KIND_FLOOR).map((f) => `${kind}: ${f}`),
    );
    failures.push(...below(report.overall, OVERALL_FLOOR).map((f) => `overall: ${f}`));
    expect(failures, formatReport(report, true)).toEqual([]);
  });

  it("invents nothing and keeps every condition in the description", () => {
    const invented = report.results.flatMap((r) => r.invented.map((i) => `${r.call.name}: "${i.title}"`));
    expect(invented, formatReport(report, true)).toEqual([]);
    expect(report.overall.conditionsKept).toBe(report.overall.conditions);
  });
});
