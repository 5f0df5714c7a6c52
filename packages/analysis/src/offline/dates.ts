import * as chrono from "chrono-node";

/**
 * Relative-date resolution with chrono, anchored on the recording time in UTC so the
 * result never depends on the server's time zone. chrono's casual English parser is
 * extended with the spoken deadlines it misses ("end of the week", "EOD", "on the 5th").
 */

export interface ResolvedDate {
  /** The words that named the date. */
  text: string;
  /** YYYY-MM-DD */
  date: string;
  /** ISO-8601 UTC instant, only when a time of day was said. */
  dateTime: string | null;
  index: number;
}

const DAY_MS = 86_400_000;

function utcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

function components(date: Date) {
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Friday of the reference week (next week's when `weeksAhead` is 1); past Friday rolls on. */
function fridayOf(ref: Date, weeksAhead: number): Date {
  const today = utcDay(ref);
  let delta = (5 - today.getUTCDay() + 7) % 7;
  if (today.getUTCDay() === 6) delta = 6;
  return new Date(today.getTime() + (delta + 7 * weeksAhead) * DAY_MS);
}

function buildParser(): chrono.Chrono {
  const parser = chrono.casual.clone();
  parser.parsers.unshift(
    {
      pattern: () => /\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(next\s+)?week\b/i,
      extract: (context, match) => components(fridayOf(context.reference.instant, match[1] ? 1 : 0)),
    },
    {
      pattern: () => /\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?day|eod|cob|close\s+of\s+business)\b/i,
      extract: (context) => components(context.reference.instant),
    },
    {
      pattern: () => /\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month\b/i,
      extract: (context) => {
        const ref = context.reference.instant;
        return components(new Date(Date.UTC(ref.getUTCFullYear(), ref.getUTCMonth() + 1, 0)));
      },
    },
    {
      // "on the 5th", "by the 21st": the next such day of the month.
      pattern: () => /\b(?:on|by|before|until|for)\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b/i,
      extract: (context, match) => {
        const day = Number(match[1]);
        if (day < 1 || day > 31) return null;
        const ref = utcDay(context.reference.instant);
        let candidate = new Date(Date.UTC(ref.getUTCFullYear(), ref.getUTCMonth(), day));
        if (candidate.getUTCDate() !== day || candidate < ref) {
          candidate = new Date(Date.UTC(ref.getUTCFullYear(), ref.getUTCMonth() + 1, day));
        }
        return components(candidate);
      },
    },
  );
  parser.parsers.unshift({
    // "Wednesday next week": that weekday in the week after this one (weeks start on Monday).
    pattern: () => /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+(?:of\s+)?next\s+week\b/i,
    extract: (context, match) => {
      const weekday = WEEKDAY_INDEX[match[1]!.toLowerCase()]!;
      const today = utcDay(context.reference.instant);
      const mondayThisWeek = today.getTime() - ((today.getUTCDay() + 6) % 7) * DAY_MS;
      return components(new Date(mondayThisWeek + (7 + ((weekday + 6) % 7)) * DAY_MS));
    },
  });
  return parser;
}

const WEEKDAY_INDEX: Record<string, number> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
};

const parser = buildParser();

/** Dates named in `text`, resolved forward from `reference` (the recording time). */
export function resolveDates(text: string, reference: Date): ResolvedDate[] {
  const results = parser.parse(text, { instant: reference, timezone: 0 }, { forwardDate: true });
  // Durations ("a minute", "in an hour" said in passing) resolve to "today" in chrono;
  // only expressions that name a day count as dates.
  const namesADay = (r: chrono.ParsedResult) =>
    (/day\b|\b(?:today|tonight|tomorrow|yesterday|week|month|year|eod|cob|business|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)|\d(?:st|nd|rd|th)\b|\d[/-]\d|\bthis\s+(?:morning|afternoon|evening)/i.test(
      r.text,
    ) ||
      /\d\s*(?:am|pm|a\.m|p\.m|o'clock)|\d:\d\d|\b(?:noon|midnight)\b/i.test(r.text)) &&
    !/^(?:the|a few|some|all)\s+days?$/i.test(r.text.trim());
  // A task is never due before the call it was agreed on ("the day before" an appointment
  // is relative to the appointment, which chrono cannot know).
  const firstDay = utcDay(reference).getTime();
  const notBefore = (r: chrono.ParsedResult) => {
    const year = r.start.get("year") ?? 0;
    return Date.UTC(year, (r.start.get("month") ?? 1) - 1, r.start.get("day") ?? 1) >= firstDay;
  };
  return results
    .filter((r) => namesADay(r) && notBefore(r))
    .map((result) => {
      const year = result.start.get("year");
      const month = result.start.get("month");
      const day = result.start.get("day");
      const date = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
      const hasTime = result.start.isCertain("hour");
      const dateTime = hasTime
        ? new Date(
            Date.UTC(
              year ?? 0,
              (month ?? 1) - 1,
              day ?? 1,
              result.start.get("hour") ?? 0,
              result.start.get("minute") ?? 0,
            ),
          ).toISOString()
        : null;
      return {
        text: result.text.replace(/[\s,.;:!?]+$/, "").replace(/^(?:on|by|for|until|before)\s+/i, ""),
        date,
        dateTime,
        index: result.index,
      };
    });
}

export function referenceInstant(recordedAt: string | null, createdAt: string): Date {
  for (const candidate of [recordedAt, createdAt]) {
    if (candidate) {
      const parsed = new Date(candidate);
      if (!Number.isNaN(parsed.getTime())) return parsed;
    }
  }
  // Deterministic last resort: a garbled timestamp must not make output depend on "now".
  return new Date(0);
}
