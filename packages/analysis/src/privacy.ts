const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;
/** A digit run with phone-style separators; amounts like "1,250,000" are told apart below. */
const PHONE_LIKE = /\+?\(?\d[\d\s().-]{5,}\d/g;
const GROUPED_AMOUNT = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/**
 * Masks emails and phone-like digit runs (7+ digits) before text leaves the process
 * (docs/contract.md § Analysis document: the prompt never contains phone numbers or emails).
 */
export function maskContactDetails(text: string): string {
  return text.replace(EMAIL, "[email]").replace(PHONE_LIKE, (match) => {
    const digits = match.replace(/\D/g, "").length;
    if (digits < 7 || GROUPED_AMOUNT.test(match.trim())) return match;
    return "[phone]";
  });
}
