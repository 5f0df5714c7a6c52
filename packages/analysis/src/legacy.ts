import { z } from "zod";
import { ANALYSIS_SCHEMA_VERSION, type AnalysisDocument, analysisDocumentSchema } from "./schema";

/** The aliases older clients read (docs/contract.md § Analysis document). */
export const legacyAliasesSchema = z.object({
  shortSummary: z.string().describe("Legacy alias of oneLineSummary").optional(),
  detailedSummary: z.string().describe("Legacy alias of executiveSummary").optional(),
  keyPoints: z.array(z.string()).describe("Legacy: the high-importance section items' text").optional(),
});
export type LegacyAliases = z.infer<typeof legacyAliasesSchema>;

/** The v3 document as served: `schemaVersion` is 3 and the legacy aliases are added (withLegacyAliases). */
export const servedAnalysisDocumentSchema = analysisDocumentSchema
  .extend({
    schemaVersion: z.literal(ANALYSIS_SCHEMA_VERSION).describe("Analysis document schema version"),
    ...legacyAliasesSchema.shape,
  })
  .describe("The analysis document, schema v3, with the legacy aliases");
export type ServedAnalysisDocument = z.infer<typeof servedAnalysisDocumentSchema>;

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
