// Small parsers for the values pathology reports state: counts in words or digits, percentages, sizes, presence.
import type { Comparator, PercentValue, Presence, StainIntensity } from './finding';

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, none: 0, no: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50,
};
/** A count as digits or an English number word (one..twenty, twenty-one..fifty-nine). */
export const COUNT = String.raw`(?:\d{1,3}|(?:twenty|thirty|forty|fifty)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)`;

export function parseCount(s: string): number | undefined {
  const t = s.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  const [tens, unit] = t.split('-');
  const base = NUMBER_WORDS[tens ?? ''];
  if (base === undefined) return undefined;
  return unit ? base + (NUMBER_WORDS[unit] ?? NaN) : base;
}

export function parseComparator(s: string | undefined): Comparator | undefined {
  switch (s?.trim()) {
    case '<':
    case 'less than':
      return '<';
    case '<=':
    case '≤':
      return '<=';
    case '>':
    case 'greater than':
    case 'more than':
      return '>';
    case '>=':
    case '≥':
      return '>=';
    default:
      return undefined;
  }
}

const PERCENT = /(<=|>=|[<>≤≥]|less than|greater than|more than)?\s*(\d{1,3}(?:\.\d+)?)\s*(?:%|percent)?\s*(?:-|–|to)\s*(\d{1,3}(?:\.\d+)?)\s*(?:%|percent)|(<=|>=|[<>≤≥]|less than|greater than|more than)?\s*(\d{1,3}(?:\.\d+)?)\s*(?:%|percent)/i;

/** The first percentage in s: "95%", ">90%", "10-15%", "1 to 10 percent". */
export function parsePercent(s: string): (PercentValue & { index: number; length: number }) | undefined {
  const m = PERCENT.exec(s);
  if (!m) return undefined;
  if (m[2] !== undefined && m[3] !== undefined) {
    const lo = Number(m[2]);
    const hi = Number(m[3]);
    if (hi > 100 || lo > hi) return undefined;
    const comparator = parseComparator(m[1]?.toLowerCase());
    return { percent: hi, range: [lo, hi], ...(comparator ? { comparator } : {}), index: m.index, length: m[0].length };
  }
  const value = Number(m[5]);
  if (value > 100) return undefined;
  const comparator = parseComparator(m[4]?.toLowerCase());
  return { percent: value, ...(comparator ? { comparator } : {}), index: m.index, length: m[0].length };
}

export function parseIntensity(s: string): StainIntensity | undefined {
  const m = /\b(weak|moderate|strong)(?:ly)?(?:\s*(?:to|-|–)\s*(weak|moderate|strong))?\b/i.exec(s);
  if (!m) return undefined;
  const a = (m[1] as string).toLowerCase();
  const b = m[2]?.toLowerCase();
  if (!b || a === b) return a as StainIntensity;
  const key = `${a}-to-${b}`;
  return (['weak-to-moderate', 'moderate-to-strong', 'weak-to-strong'] as const).find((k) => k === key);
}

/** Sizes: "4.5 x 3.8 x 1.2 cm", "2.3 CM", "21 mm"; in mm, greatest first as stated. */
export const SIZE = /(\d+(?:\.\d+)?)(?:\s*(?:x|×|by)\s*(\d+(?:\.\d+)?))?(?:\s*(?:x|×|by)\s*(\d+(?:\.\d+)?))?\s*(cm|mm|millimeters?|centimeters?)\b/i;

export function parseSize(s: string): { greatestDimensionMm: number; dimensionsMm: number[]; unit: 'cm' | 'mm'; index: number; length: number } | undefined {
  const m = SIZE.exec(s);
  if (!m) return undefined;
  const unit = (m[4] as string).toLowerCase().startsWith('c') ? 'cm' : 'mm';
  const factor = unit === 'cm' ? 10 : 1;
  const dimensionsMm = [m[1], m[2], m[3]].filter((v): v is string => v !== undefined).map((v) => round(Number(v) * factor));
  return { greatestDimensionMm: Math.max(...dimensionsMm), dimensionsMm, unit, index: m.index, length: m[0].length };
}

export function toMm(value: string, unit: string): number {
  return round(Number(value) * (unit.toLowerCase().startsWith('c') ? 10 : 1));
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Presence stated by a value: "Present", "Not identified", "Absent", "Cannot be determined". */
export function parsePresence(s: string): Presence | undefined {
  const t = s.trim().toLowerCase();
  if (/^(?:is |are |was |were )?(?:not identified|not seen|not present|not detected|absent|negative|none|no\b|not)/.test(t)) return 'absent';
  if (/^(?:cannot be (?:determined|assessed|evaluated)|indeterminate|equivocal|not (?:applicable|assessed))/.test(t)) return 'indeterminate';
  if (/^(?:is |are |was |were )?(?:present|identified|seen|positive|detected|yes\b|focal|extensive|substantial|conspicuous|prominent|multifocal)/.test(t)) return 'present';
  return undefined;
}

export function parseEdition(s: string): number | undefined {
  const m = /\bAJCC\b[^0-9\n]{0,30}?(\d{1,2})(?:st|nd|rd|th)?\s*(?:ed\.?|edition)?|\b(\d{1,2})(?:st|nd|rd|th)\s*(?:ed\.?|edition)\b/i.exec(s);
  const n = Number(m?.[1] ?? m?.[2]);
  return Number.isInteger(n) && n >= 5 && n <= 9 ? n : undefined;
}
