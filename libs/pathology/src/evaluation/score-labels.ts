// Scoring predictions against the evaluation set's gold labels, as its README recommends: a prediction matches a
// label when the field is equal, the spans overlap by at least one character and the normalised value is equal
// (strings case-insensitively, numbers exactly, objects key by key over the gold label's keys). Free-text fields
// (specimen, procedure, histologic_type) match on field + span only. Each label matches at most one prediction and
// vice versa: a maximum bipartite matching per report and field (Kuhn's augmenting paths), so the count does not
// depend on the order of predictions.
import { CONTEXT_KEYS, EVAL_FIELDS, type EvalField, type EvalLabel, type LabelValue } from './label-adapter';

export const SPAN_ONLY_FIELDS: ReadonlySet<EvalField> = new Set(['specimen', 'procedure', 'histologic_type']);

export function valuesEqual(gold: LabelValue, predicted: LabelValue): boolean {
  if (typeof gold === 'string') return typeof predicted === 'string' && gold.toLowerCase() === predicted.toLowerCase();
  if (typeof gold === 'number') return typeof predicted === 'number' && Math.abs(gold - predicted) < 1e-9;
  if (typeof predicted !== 'object') return false;
  return Object.entries(gold).every(([k, v]) => predicted[k] !== undefined && valuesEqual(v, predicted[k] as LabelValue));
}

export function labelsMatch(gold: EvalLabel, predicted: EvalLabel, options: { strictFreeText?: boolean } = {}): boolean {
  if (gold.field !== predicted.field) return false;
  if (!(gold.start < predicted.end && predicted.start < gold.end)) return false;
  return (!options.strictFreeText && SPAN_ONLY_FIELDS.has(gold.field)) || valuesEqual(gold.value, predicted.value);
}

export interface ReportScore {
  pairs: [EvalLabel, EvalLabel][];
  falsePositives: EvalLabel[];
  falseNegatives: EvalLabel[];
}

/** Matches one report's predictions to its gold labels. */
export function scoreReport(gold: readonly EvalLabel[], predicted: readonly EvalLabel[], options: { strictFreeText?: boolean } = {}): ReportScore {
  const edges = gold.map((g) => predicted.map((p, j) => (labelsMatch(g, p, options) ? j : -1)).filter((j) => j >= 0));
  // prefer the prediction with the largest overlap first (stable tie-break), then augment
  edges.forEach((list, i) => {
    const g = gold[i] as EvalLabel;
    const overlap = (p: EvalLabel) => Math.min(g.end, p.end) - Math.max(g.start, p.start);
    list.sort((a, b) => overlap(predicted[b] as EvalLabel) - overlap(predicted[a] as EvalLabel) || a - b);
  });
  const owner = new Array<number>(predicted.length).fill(-1);
  const tryAssign = (i: number, seen: boolean[]): boolean => {
    for (const j of edges[i] as number[]) {
      if (seen[j]) continue;
      seen[j] = true;
      if (owner[j] === -1 || tryAssign(owner[j] as number, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < gold.length; i++) tryAssign(i, new Array<boolean>(predicted.length).fill(false));
  const matchedGold = new Set<number>();
  const pairs: [EvalLabel, EvalLabel][] = [];
  owner.forEach((i, j) => {
    if (i >= 0) {
      matchedGold.add(i);
      pairs.push([gold[i] as EvalLabel, predicted[j] as EvalLabel]);
    }
  });
  return {
    pairs,
    falsePositives: predicted.filter((_, j) => owner[j] === -1),
    falseNegatives: gold.filter((_, i) => !matchedGold.has(i)),
  };
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}
export interface Prf extends Counts {
  precision: number;
  recall: number;
  f1: number;
}

export function prf(c: Counts): Prf {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f1 };
}

export interface ContextAgreement {
  /** Matched pairs where the flag agrees / all matched pairs. */
  agree: number;
  total: number;
  /** Matched gold labels where the flag is set (true / 'other'), and how many of them the prediction also set. */
  goldSet: number;
  goldSetFound: number;
  /** Predictions that set the flag where the matched gold label does not. */
  falseSet: number;
}

export interface SetScore {
  perField: Record<EvalField, Counts>;
  overall: Prf;
  context: Record<(typeof CONTEXT_KEYS)[number], ContextAgreement>;
  /** Gold labels with negated: true over the whole split (matched or not), and how many were matched with negated. */
  negatedGold: { total: number; matchedAndNegated: number };
}

const flagSet = (ctx: EvalLabel['context'], key: (typeof CONTEXT_KEYS)[number]) => (key === 'experiencer' ? ctx.experiencer === 'other' : ctx[key]);

export function aggregate(reports: readonly ReportScore[], golds: readonly (readonly EvalLabel[])[]): SetScore {
  const perField = Object.fromEntries(EVAL_FIELDS.map((f) => [f, { tp: 0, fp: 0, fn: 0 }])) as Record<EvalField, Counts>;
  const context = Object.fromEntries(CONTEXT_KEYS.map((k) => [k, { agree: 0, total: 0, goldSet: 0, goldSetFound: 0, falseSet: 0 }])) as SetScore['context'];
  let negTotal = 0;
  let negFound = 0;
  for (const r of reports) {
    for (const [g] of r.pairs) perField[g.field].tp++;
    for (const p of r.falsePositives) perField[p.field].fp++;
    for (const g of r.falseNegatives) perField[g.field].fn++;
    for (const [g, p] of r.pairs) {
      for (const k of CONTEXT_KEYS) {
        const a = context[k];
        const gs = flagSet(g.context, k);
        const ps = flagSet(p.context, k);
        a.total++;
        if (gs === ps) a.agree++;
        if (gs) a.goldSet++;
        if (gs && ps) a.goldSetFound++;
        if (!gs && ps) a.falseSet++;
      }
      if (g.context.negated && p.context.negated) negFound++;
    }
  }
  for (const g of golds.flat()) if (g.context.negated) negTotal++;
  const sum = Object.values(perField).reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
  return { perField, overall: prf(sum), context, negatedGold: { total: negTotal, matchedAndNegated: negFound } };
}
