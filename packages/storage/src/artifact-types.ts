/** Mirrors @scryon/db's ArtifactType without depending on the database package. */
export type ArtifactTypeName =
  | "TEMP_AUDIO"
  | "DIARIZATION_JSON"
  | "RAW_TRANSCRIPT_JSON"
  | "NORMALIZED_TRANSCRIPT_JSON"
  | "ANALYSIS_JSON";
