// RECIST 1.1 target-lesion response over time (Eisenhauer et al., Eur J Cancer 2009;45:228–247, section 4.3.1).
import { MeasureArgumentError } from './components';

/** One target lesion at one timepoint. */
export interface TargetLesionMeasurement {
  /** Stable id across timepoints (e.g. 'T1'). */
  id: string;
  /** Lymph node target: its short axis counts toward the sum (RECIST 1.1 §3.1.2, §4.3.1). */
  isLymphNode?: boolean;
  /** Longest axial diameter, mm (non-nodal). 0 = disappeared. null/undefined = not measured. */
  longestDiameterMm?: number | null;
  /** Short axis, mm (nodal). null/undefined = not measured. */
  shortAxisMm?: number | null;
}

export interface RecistTimepoint {
  /** ISO date (YYYY-MM-DD or full ISO timestamp); timepoints must be in chronological order, baseline first. */
  date: string;
  targets: TargetLesionMeasurement[];
  /** Unequivocal new lesion(s) at this timepoint → PD. */
  newLesions?: boolean;
}

export type RecistCategory = 'BASELINE' | 'CR' | 'PR' | 'SD' | 'PD' | 'NE';

export interface RecistTimepointResult {
  date: string;
  /** Sum of diameters: longest diameter of non-nodal + short axis of nodal targets (measured ones only), mm. */
  sumMm: number;
  /** (sum − baseline)/baseline × 100; null at baseline or when baseline sum is 0. */
  changeFromBaselinePct: number | null;
  /** Smallest sum before this timepoint (baseline included): the PD reference. null at baseline. */
  nadirMm: number | null;
  changeFromNadirMm: number | null;
  changeFromNadirPct: number | null;
  response: RecistCategory;
  /** Human-readable reasons for the category (which rule fired). */
  reasons: string[];
  /** Targets present at baseline but not measured here. */
  missingTargets: string[];
}

const NODE_NORMAL_MM = 10;

export interface RecistOptions {
  /**
   * Default false: each follow-up is classified by the paper's definitions (PR needs ≥30% below baseline, so a
   * regrowth to −25% without meeting PD is SD). True: once PR has been assigned it continues until PD or CR, the
   * reading in the EORTC RECIST 1.1 FAQ ("a confirmed PR … is considered to be a continuing PR unless the
   * criteria for PD are met"). Confirmation itself is not checked.
   */
  continuePartialResponse?: boolean;
}

function measuredValue(t: TargetLesionMeasurement, where: string): number | null {
  const v = t.isLymphNode ? t.shortAxisMm : t.longestDiameterMm;
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new MeasureArgumentError(`${where}.${t.isLymphNode ? 'shortAxisMm' : 'longestDiameterMm'} expected a finite number of mm ≥ 0 (or null if not measured), got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * Classifies each timepoint by RECIST 1.1 target-lesion rules. Order of precedence at a follow-up:
 *  1. PD: new lesion(s); or sum ≥ 20% above the nadir (smallest previous sum, baseline included) AND ≥ 5 mm above
 *     it; or, after a CR, any non-nodal target reappears (> 0 mm).
 *  2. NE: a baseline target was not measured (unless PD already applies from the measured ones).
 *  3. CR: every non-nodal target 0 mm and every nodal target < 10 mm short axis.
 *  4. PR: sum ≥ 30% below the baseline sum.
 *  5. SD otherwise.
 * Non-target lesions, confirmation of response and the "too small to measure → 5 mm" default are not modelled;
 * pass 5 for such lesions yourself. The reappearance rule follows the EORTC RECIST FAQ ("Does a new lesion always
 * result in PD?": after a definitive CR, reappearance of any lesion is PD).
 */
export function recistResponse(timepoints: readonly RecistTimepoint[], options: RecistOptions = {}): RecistTimepointResult[] {
  if (!Array.isArray(timepoints) || timepoints.length === 0) {
    throw new MeasureArgumentError('recistResponse: timepoints expected a non-empty array (baseline first), got ' + (Array.isArray(timepoints) ? 'an empty array' : typeof timepoints));
  }
  const baseline = timepoints[0]!;
  if (!Array.isArray(baseline.targets) || baseline.targets.length === 0) {
    throw new MeasureArgumentError('recistResponse: timepoints[0].targets expected at least one baseline target lesion, got none');
  }
  const baselineIds = new Map<string, boolean>();
  baseline.targets.forEach((t: TargetLesionMeasurement, n: number) => {
    if (typeof t.id !== 'string' || t.id === '') throw new MeasureArgumentError(`recistResponse: timepoints[0].targets[${n}].id expected a non-empty string, got ${JSON.stringify(t.id)}`);
    if (baselineIds.has(t.id)) throw new MeasureArgumentError(`recistResponse: timepoints[0].targets expected unique ids, got ${JSON.stringify(t.id)} twice`);
    if (measuredValue(t, `recistResponse: timepoints[0].targets[${n}]`) === null) {
      throw new MeasureArgumentError(`recistResponse: timepoints[0].targets[${n}] (${t.id}) expected a baseline measurement, got none`);
    }
    baselineIds.set(t.id, !!t.isLymphNode);
  });

  let previousTime = -Infinity;
  const results: RecistTimepointResult[] = [];
  let baselineSum = 0;
  let nadir = Infinity;
  let lastResponse: RecistCategory = 'BASELINE';
  timepoints.forEach((tp, n) => {
    const where = `recistResponse: timepoints[${n}]`;
    const time = Date.parse(tp?.date);
    if (!Number.isFinite(time)) throw new MeasureArgumentError(`${where}.date expected an ISO date, got ${JSON.stringify(tp?.date)}`);
    if (time < previousTime) throw new MeasureArgumentError(`${where}.date expected chronological order (after ${timepoints[n - 1]!.date}), got ${tp.date}`);
    previousTime = time;
    if (!Array.isArray(tp.targets)) throw new MeasureArgumentError(`${where}.targets expected an array, got ${typeof tp.targets}`);

    let sum = 0;
    let allGone = true;
    let reappeared = false;
    const seen = new Set<string>();
    tp.targets.forEach((t: TargetLesionMeasurement, m: number) => {
      if (!baselineIds.has(t.id)) throw new MeasureArgumentError(`${where}.targets[${m}].id expected one of the baseline target ids (${[...baselineIds.keys()].join(', ')}), got ${JSON.stringify(t.id)}; new lesions go in newLesions`);
      if (!!t.isLymphNode !== baselineIds.get(t.id)) throw new MeasureArgumentError(`${where}.targets[${m}].isLymphNode expected ${baselineIds.get(t.id)} as at baseline for ${t.id}`);
      const v = measuredValue(t, `${where}.targets[${m}]`);
      if (v === null) return;
      seen.add(t.id);
      sum += v;
      if (t.isLymphNode ? v >= NODE_NORMAL_MM : v > 0) allGone = false;
      if (!t.isLymphNode && v > 0) reappeared = true;
    });
    const missing = [...baselineIds.keys()].filter((id) => !seen.has(id));

    if (n === 0) {
      baselineSum = sum;
      nadir = sum;
      results.push({ date: tp.date, sumMm: sum, changeFromBaselinePct: null, nadirMm: null, changeFromNadirMm: null, changeFromNadirPct: null, response: 'BASELINE', reasons: ['baseline'], missingTargets: [] });
      return;
    }
    const changeFromBaselinePct = baselineSum > 0 ? ((sum - baselineSum) / baselineSum) * 100 : null;
    const changeFromNadirMm = sum - nadir;
    const changeFromNadirPct = nadir > 0 ? (changeFromNadirMm / nadir) * 100 : sum > 0 ? Infinity : 0;
    const reasons: string[] = [];
    const progressedBySum = changeFromNadirMm >= 5 - 1e-9 && sum >= nadir * 1.2 - 1e-9;
    if (tp.newLesions) reasons.push('new lesion(s)');
    if (progressedBySum) reasons.push(`sum ${fmt(sum)} mm is ≥20% and ≥5 mm above nadir ${fmt(nadir)} mm`);
    if (lastResponse === 'CR' && reappeared) reasons.push('non-nodal target reappeared after CR');
    let response: RecistCategory;
    if (reasons.length > 0) response = 'PD';
    else if (missing.length > 0) {
      response = 'NE';
      reasons.push(`target(s) not measured: ${missing.join(', ')}`);
    } else if (allGone) {
      response = 'CR';
      reasons.push('all non-nodal targets disappeared and all nodal targets < 10 mm short axis');
    } else if (changeFromBaselinePct !== null && changeFromBaselinePct <= -30 + 1e-9) {
      response = 'PR';
      reasons.push(`sum ${fmt(changeFromBaselinePct)}% from baseline (≤ −30%)`);
    } else if (options.continuePartialResponse && lastResponse === 'PR') {
      response = 'PR';
      reasons.push('continuing PR: PD criteria not met (continuePartialResponse)');
    } else {
      response = 'SD';
      reasons.push('neither PR nor PD criteria met');
    }
    results.push({ date: tp.date, sumMm: sum, changeFromBaselinePct, nadirMm: nadir, changeFromNadirMm, changeFromNadirPct, response, reasons, missingTargets: missing });
    // Only complete assessments update the nadir (a partial sum would understate it).
    if (missing.length === 0 && sum < nadir) nadir = sum;
    if (response !== 'NE') lastResponse = response;
  });
  return results;
}

function fmt(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}
