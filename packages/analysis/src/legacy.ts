import { ANALYSIS_SCHEMA_VERSION, type AnalysisDocument } from "./schema";

export interface LegacyAliases {
  shortSummary?: string;
  detailedSummary?: string;
  keyPoints?: string[];
}

/**
 * Adds the aliases older clients read (docs/contract.md § Analysis document): shortSummary, detailedSummary and
 * keyPoints, each only when the field it mirrors exists. Documents of an older schema
 * version are returned unchanged.
 */
export function withLegacyAliases<T extends Record<string, unknown>>(doc: T): T & LegacyAliases {
  if (doc.schemaVersion !== ANALYSIS_SCHEMA_VERSION) return doc;
  const v3 = doc as AnalysisDocument;
  const aliases: LegacyAliases = {};
  if (typeof v3.oneLineSummary === "string") aliases.shortSummary = v3.oneLineSummary;
  if (typeof v3.executiveSummary === "string") aliases.detailedSummary = v3.executiveSummary;
  if (Array.isArray(v3.sections)) {
    aliases.keyPoints = v3.sections.flatMap((section) =>
      (section.items ?? []).flatMap((item) =>
        item.importance === "high" && typeof item.text === "string" ? [item.text] : [],
      ),
    );
  }
  return { ...doc, ...aliases };
}
