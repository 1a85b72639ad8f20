/**
 * Formatting of clinical values for display. Dates are shown as the source wrote them (no time-zone conversion):
 * a FHIR date "2018-03" stays a month, "2018-03-06T14:30:00-05:00" shows its own local time and offset.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const FHIR_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** "2018" → "2018"; "2018-03" → "Mar 2018"; "2018-03-06" → "6 Mar 2018"; with a time: "6 Mar 2018 14:30 (-05:00)". */
export function formatDate(value: string | undefined | null): string {
  if (!value) return '';
  const m = FHIR_DATE.exec(value.trim());
  if (!m) return value;
  const [, year, month, day, hour, minute, , zone] = m;
  const monthName = month ? MONTHS[Number(month) - 1] : undefined;
  if (month && !monthName) return value;
  let text = year!;
  if (monthName) text = `${monthName} ${year}`;
  if (day) text = `${Number(day)} ${text}`;
  if (hour !== undefined && minute !== undefined) {
    text += ` ${hour}:${minute}`;
    if (zone && zone !== 'Z' && zone !== '+00:00') text += ` (${zone})`;
    else if (zone) text += ' UTC';
  }
  return text;
}

/** An instant (import and system times) in UTC: "2024-05-01T10:20:30.123Z" → "1 May 2024 10:20 UTC". */
export function formatInstant(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return formatDate(`${new Date(t).toISOString().slice(0, 16)}Z`);
}

/** A date range for tables: "6 Mar 2018 – 22 Apr 2018", open ends shown as "…". */
export function formatDateRange(start: string | undefined, end: string | undefined): string {
  if (!start && !end) return '';
  if (!end || end === start) return formatDate(start);
  return `${start ? formatDate(start) : '…'} – ${formatDate(end)}`;
}

/** The time a FHIR date/dateTime starts at, in ms since the epoch (UTC for dates without a time); undefined if unparsable. */
export function parseFhirDate(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const m = FHIR_DATE.exec(value.trim());
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, zone] = m;
  if (hour === undefined) return Date.UTC(Number(year), month ? Number(month) - 1 : 0, day ? Number(day) : 1);
  const t = Date.parse(zone ? value.trim() : `${value.trim()}Z`);
  if (Number.isFinite(t)) return t;
  return Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), second ? Number(second) : 0);
}

/**
 * The time a FHIR date/dateTime ends at: a partial date covers its whole year/month/day, so "2018-03" ends at the
 * start of April. Used for the end of ranged events and for "to" filters.
 */
export function parseFhirDateEnd(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const m = FHIR_DATE.exec(value.trim());
  if (!m) return undefined;
  const [, year, month, day, hour] = m;
  if (hour !== undefined) return parseFhirDate(value);
  if (day) return Date.UTC(Number(year), Number(month) - 1, Number(day) + 1) - 1;
  if (month) return Date.UTC(Number(year), Number(month), 1) - 1;
  return Date.UTC(Number(year) + 1, 0, 1) - 1;
}

/** Age in whole years at `at` (default now) from a FHIR birth date; undefined when unknown. */
export function ageInYears(birthDate: string | undefined, at: Date | number = Date.now()): number | undefined {
  const birth = parseFhirDate(birthDate);
  if (birth === undefined || !birthDate || birthDate.length < 10) return undefined;
  const now = new Date(at);
  const b = new Date(birth);
  let age = now.getUTCFullYear() - b.getUTCFullYear();
  const beforeBirthday = now.getUTCMonth() < b.getUTCMonth() || (now.getUTCMonth() === b.getUTCMonth() && now.getUTCDate() < b.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age >= 0 ? age : undefined;
}

const GENDER: Record<string, string> = { male: 'Male', female: 'Female', other: 'Other', unknown: 'Unknown' };

export function formatGender(gender: string | undefined): string {
  if (!gender) return '';
  return GENDER[gender] ?? gender;
}

/** "Patient/cancer-patient-jenny-m" → "cancer-patient-jenny-m" (for patients without a name). */
export function patientLabel(p: { key: string; displayName?: string }): string {
  return p.displayName?.trim() || p.key.replace(/^Patient\//, '');
}

/** Thousands separators without depending on the runtime's locale data. */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** "medication-request" → "Medication request". */
export function humanize(value: string): string {
  const text = value.replace(/[-_]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The last part of a system URI, for compact identifier labels ("http://hospital.example.org/mrn" → "mrn"). */
export function systemLabel(system: string | undefined): string | undefined {
  if (!system) return undefined;
  if (system.startsWith('urn:oid:')) return system;
  const parts = system.replace(/[/#]+$/, '').split(/[/#]/);
  return parts[parts.length - 1] || system;
}

const SNOMED_SEMANTIC_TAG =
  /\s+\((?:qualifier value|disorder|finding|morphologic abnormality|body structure|procedure|observable entity|regime\/therapy|situation|substance|product|medicinal product|tumor staging|staging scale|assessment scale|record artifact|attribute|physical object|clinical drug)\)$/i;

/**
 * A coded display as a clinician reads it: without SNOMED's semantic tag ("(qualifier value)") and, for AJCC
 * stage codes, without the spelled-out committee name ("American Joint Committee on Cancer stage IIB" → "Stage IIB",
 * "... cT3" → "cT3"). The full display stays available (title, source view).
 */
export function clinicalLabel(text: string): string {
  let t = text.trim().replace(SNOMED_SEMANTIC_TAG, '');
  const ajcc = /^American Joint Committee on Cancer\s+(.+)$/i.exec(t);
  if (ajcc) {
    t = ajcc[1]!;
    if (/^stage\b/i.test(t)) t = `Stage${t.slice(5)}`;
  }
  return t;
}
