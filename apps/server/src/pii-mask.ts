/**
 * Masking of e-mail addresses and phone numbers in log lines (docs/contract.md § Privacy rules), in one pass
 * over the string each. They mask exactly what these two patterns, applied in this order, would:
 *
 *   e-mail: [A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}
 *   phone:  (?<![\w-])\+?\d[\d ()./-]{6,}\d(?![\w-])   (digit runs inside identifiers are not numbers)
 *
 * but as scanners, because the patterns backtrack: the e-mail one is quadratic on a long run of its
 * characters without an "@" (a percent-encoded tRPC URL of 50 ids took 7.8 ms, so one near Node's 16 KB
 * header limit would take about 0.4 s), and the phone one cost 0.2 ms on every status poll's URL. Each
 * scanner reads every character a bounded number of times.
 */

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
/** [A-Za-z0-9._%+-] */
const isLocalChar = (c: number) =>
  isLetter(c) || isDigit(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
/** [A-Za-z0-9.-] */
const isDomainChar = (c: number) => isLetter(c) || isDigit(c) || c === 46 || c === 45;
/** \w or - : what may not touch a phone number. */
const isWordOrHyphen = (c: number) => isLetter(c) || isDigit(c) || c === 95 || c === 45;
/** [\d ()./-] */
const isPhoneChar = (c: number) => isDigit(c) || c === 32 || c === 40 || c === 41 || c === 46 || c === 47 || c === 45;

/**
 * An ASCII character that no masked value contains and that neither pattern looks at across (not \w, "-",
 * "@" or any e-mail or phone character): a string cut just before one masks, piece by piece, exactly as it
 * masks whole. logging.ts cuts long URLs there.
 */
export const isMaskBoundary = (c: number) =>
  c < 128 && c !== 64 && !isLocalChar(c) && !isPhoneChar(c) && !isWordOrHyphen(c);

const PLUS = 43;
const DOT = 46;

export function maskEmails(value: string): string {
  let at = value.indexOf("@");
  if (at === -1) return value;
  let out = "";
  let copiedTo = 0;
  while (at !== -1) {
    let start = at;
    while (start > copiedTo && isLocalChar(value.charCodeAt(start - 1))) start--;
    let domainEnd = at + 1;
    while (domainEnd < value.length && isDomainChar(value.charCodeAt(domainEnd))) domainEnd++;
    // The last "." in the domain run, with at least one character before it, followed by two letters.
    let end = -1;
    if (start < at)
      for (let dot = domainEnd - 3; dot >= at + 2; dot--) {
        if (
          value.charCodeAt(dot) === DOT &&
          isLetter(value.charCodeAt(dot + 1)) &&
          isLetter(value.charCodeAt(dot + 2))
        ) {
          end = dot + 3;
          while (end < domainEnd && isLetter(value.charCodeAt(end))) end++;
          break;
        }
      }
    if (end !== -1) {
      out += `${value.slice(copiedTo, start)}[email]`;
      copiedTo = end;
      at = value.indexOf("@", end);
    } else {
      at = value.indexOf("@", at + 1);
    }
  }
  return out + value.slice(copiedTo);
}

export function maskPhoneNumbers(value: string): string {
  let out = "";
  let copiedTo = 0;
  let i = 0;
  while (i < value.length) {
    const c = value.charCodeAt(i);
    const startsHere =
      (isDigit(c) || (c === PLUS && isDigit(value.charCodeAt(i + 1)))) &&
      (i === 0 || !isWordOrHyphen(value.charCodeAt(i - 1)));
    if (!startsHere) {
      i++;
      continue;
    }
    const firstDigit = c === PLUS ? i + 1 : i;
    let runEnd = firstDigit;
    while (runEnd < value.length && isPhoneChar(value.charCodeAt(runEnd))) runEnd++;
    // The longest match ends on a digit at least eight characters on, not followed by a word character or "-".
    let last = -1;
    for (let j = runEnd - 1; j >= firstDigit + 7; j--) {
      if (isDigit(value.charCodeAt(j)) && (j + 1 >= value.length || !isWordOrHyphen(value.charCodeAt(j + 1)))) {
        last = j;
        break;
      }
    }
    if (last === -1) {
      // Every later start in this run ends within the same run, and so fails too.
      i = runEnd > i ? runEnd : i + 1;
      continue;
    }
    const digits = value.slice(i, last + 1).replace(/\D/g, "");
    out += `${value.slice(copiedTo, i)}[phone …${digits.slice(-2)}]`;
    copiedTo = last + 1;
    i = last + 1;
  }
  return copiedTo === 0 ? value : out + value.slice(copiedTo);
}

/** Masks e-mail addresses, then phone numbers, in any string that reaches a log line. */
export const maskPii = (value: string): string => maskPhoneNumbers(maskEmails(value));
