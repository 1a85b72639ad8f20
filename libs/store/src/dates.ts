/**
 * Sortable instants for the ISO 8601 dates sources give (FHIR date, dateTime, instant: "2019", "2019-04",
 * "2019-04-01", "2019-04-01T10:30:00-05:00").
 *
 * The store sorts and filters by the wall-clock time as written: the offset is dropped and the time is read as
 * UTC. A timeline filter "from 2019-04-02" then matches what the page shows ("2019-04-01T22:00-05:00" is on
 * April 1st, as written), at the price of ordering events written in different time zones within hours of
 * each other by their local times. Imprecise dates sort at their first instant ("2019" = 2019-01-01T00:00).
 */

const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export type DatePrecision = 'year' | 'month' | 'day' | 'minute' | 'second' | 'millisecond';

export interface ParsedDate {
  /** The first instant the string names (wall clock read as UTC). */
  start: Date;
  /** The first instant after the period the string names (exclusive end), e.g. "2019-04" -> 2019-05-01. */
  endExclusive: Date;
  precision: DatePrecision;
}

/** Parses an ISO 8601 date/dateTime; undefined when absent or not a valid date (never throws). */
export function parseIsoDate(value: string | undefined | null): ParsedDate | undefined {
  if (!value) return undefined;
  const m = ISO.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m;
  const year = Number(y);
  const month = mo ? Number(mo) : 1;
  const day = d ? Number(d) : 1;
  const hour = h ? Number(h) : 0;
  const minute = mi ? Number(mi) : 0;
  const second = s ? Number(s) : 0;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return undefined;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day < 1 || day > daysInMonth) return undefined;
  const start = new Date(Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms));
  // Date.UTC maps years 0..99 to 1900..1999; set the year explicitly.
  start.setUTCFullYear(year);
  const precision: DatePrecision = frac ? 'millisecond' : s ? 'second' : h ? 'minute' : d ? 'day' : mo ? 'month' : 'year';
  const end = new Date(start.getTime());
  switch (precision) {
    case 'year':
      end.setUTCFullYear(year + 1);
      break;
    case 'month':
      end.setUTCMonth(month); // month is 1-based: this is the next month
      break;
    case 'day':
      end.setUTCDate(day + 1);
      break;
    case 'minute':
      end.setUTCMinutes(minute + 1);
      break;
    case 'second':
      end.setUTCSeconds(second + 1);
      break;
    case 'millisecond':
      end.setUTCMilliseconds(ms + 1);
      break;
  }
  return { start, endExclusive: end, precision };
}

/** The sortable instant of an ISO date, or null when absent or unparseable. */
export function sortableInstant(value: string | undefined | null): Date | null {
  return parseIsoDate(value)?.start ?? null;
}
