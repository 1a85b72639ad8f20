// RECIST v1.1 target-lesion response from measured lesions, shared by the composer (which states it) and the
// verifier (which recomputes it from the cited lesion entries instead of trusting the sentence). Targets are
// matched across timepoints by mask label, as the imaging view of the API does (libs/api-router/src/imaging.ts):
// the baseline's measured lesions are the targets; lesions absent at baseline are not counted (new lesions are not
// judged automatically), non-target lesions and confirmation are not assessed.
import { recistResponse, type RecistCategory, type RecistTimepoint } from '@oncoboard/imaging';

/** One measured lesion at one date (a lesion entry of a lesion-measurements record). */
export interface LesionPoint {
  date: string;
  label: number;
  lesion: number;
  longestDiameterMm: number | null;
}

export interface RecistAssessment {
  baselineDate: string;
  date: string;
  response: RecistCategory;
  sumMm: number;
  baselineSumMm: number;
  changeFromBaselinePct: number | null;
}

export const RECIST_CATEGORY_TEXT: Record<RecistCategory, string> = {
  BASELINE: 'baseline',
  CR: 'complete response',
  PR: 'partial response',
  SD: 'stable disease',
  PD: 'progressive disease',
  NE: 'not evaluable',
};

/** "20240110" or "2024-01-10T..." → "2024-01-10"; undefined when not a date. */
export function isoDay(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined;
}

/**
 * The response at each follow-up date, the first date being the baseline. Undefined when fewer than two dates
 * are measured or the baseline has no measured diameter; throws nothing (bad measurements give undefined).
 */
export function assessRecist(points: readonly LesionPoint[]): RecistAssessment[] | undefined {
  const dates = [...new Set(points.map((p) => p.date))].sort();
  if (dates.length < 2) return undefined;
  const targetId = (p: LesionPoint, atDate: LesionPoint[]) => (atDate.filter((q) => q.label === p.label).length > 1 ? `L${p.label}.${p.lesion}` : `L${p.label}`);
  const byDate = dates.map((date) => points.filter((p) => p.date === date));
  const baselineIds = new Set(byDate[0]!.filter((p) => p.longestDiameterMm !== null).map((p) => targetId(p, byDate[0]!)));
  if (baselineIds.size === 0) return undefined;
  const input: RecistTimepoint[] = byDate.map((atDate, n) => ({
    date: dates[n]!,
    targets: atDate.map((p) => ({ id: targetId(p, atDate), longestDiameterMm: p.longestDiameterMm })).filter((t) => baselineIds.has(t.id)),
  }));
  try {
    const results = recistResponse(input);
    const baselineSumMm = results[0]!.sumMm;
    return results.slice(1).map((r) => ({ baselineDate: dates[0]!, date: r.date, response: r.response, sumMm: r.sumMm, baselineSumMm, changeFromBaselinePct: r.changeFromBaselinePct }));
  } catch {
    return undefined;
  }
}

/** Lengths as the summary writes them: one decimal. */
export const mm = (x: number) => `${Number(x.toFixed(1))} mm`;

/**
 * "RECIST v1.1 target-lesion response on 2024-04-20: partial response (PR), sum of longest diameters 15.2 mm
 * against 24.4 mm at baseline 2024-01-10, a 37.6% decrease." The verifier reads this sentence back (RECIST_CLAIM).
 */
export function recistSentenceText(a: RecistAssessment): string {
  const change = a.changeFromBaselinePct === null ? '' : `, a ${Number(Math.abs(a.changeFromBaselinePct).toFixed(1))}% ${a.changeFromBaselinePct < 0 ? 'decrease' : a.changeFromBaselinePct > 0 ? 'increase' : 'change'}`;
  return `RECIST v1.1 target-lesion response on ${a.date}: ${RECIST_CATEGORY_TEXT[a.response]} (${a.response}), sum of longest diameters ${mm(a.sumMm)} against ${mm(a.baselineSumMm)} at baseline ${a.baselineDate}${change}`;
}

/** A response category the sentence claims: "partial response", "progressive disease", or "(PR)" in a RECIST sentence. */
export function claimedResponse(sentence: string): RecistCategory | undefined {
  // A bare code only in a sentence about RECIST: "(PR)" alone is as often the progesterone receptor.
  const code = /\bRECIST\b/i.test(sentence) ? (/\((CR|PR|SD|PD|NE)\)/.exec(sentence)?.[1] as RecistCategory | undefined) : undefined;
  if (code) return code;
  const words = /\b(complete response|partial response|stable disease|progressive disease)\b/i.exec(sentence)?.[1]?.toLowerCase();
  return words ? (Object.entries(RECIST_CATEGORY_TEXT).find(([, t]) => t === words)?.[0] as RecistCategory | undefined) : undefined;
}
