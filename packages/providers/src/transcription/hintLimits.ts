/**
 * Keeping a vocabulary hint within what a provider takes (docs/contract.md § Upload metadata): whole terms
 * are kept in order until the next one would pass a limit, so the first terms (the call's own) win.
 */

/**
 * A deliberately high estimate of a term's tokens for the providers' BPE tokenizers: English averages about
 * four characters a token, so three per token over-counts it; a character outside ASCII (Devanagari, CJK,
 * accented letters) can be a token of its own or more, so it counts as two.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const character of text) {
    if (character.charCodeAt(0) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 3) + other * 2;
}

export interface HintBounds {
  /** Most terms the provider takes. */
  maxTerms: number;
  /** Most tokens for all terms together (each term's separator counted as one), or null. */
  maxTokens?: number | null;
  /** Most words in one term (AssemblyAI: six), or null. */
  maxWordsPerTerm?: number | null;
}

export function termsWithinBounds(terms: readonly string[], bounds: HintBounds): string[] {
  const kept: string[] = [];
  let tokens = 0;
  for (const term of terms) {
    if (kept.length >= bounds.maxTerms) break;
    if (bounds.maxWordsPerTerm && term.split(/\s+/).length > bounds.maxWordsPerTerm) continue;
    const cost = estimateTokens(term) + 1;
    if (bounds.maxTokens && tokens + cost > bounds.maxTokens) break;
    tokens += cost;
    kept.push(term);
  }
  return kept;
}
