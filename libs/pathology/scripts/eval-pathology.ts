// npm run eval:pathology  (node --import tsx libs/pathology/scripts/eval-pathology.ts)
//
// Runs the rule-based extractor over every report of fixtures/eval (synthetic reports with span labels), maps its
// findings to the label schema (src/evaluation/label-adapter.ts), matches them to the gold labels (field equal,
// spans overlap, normalised value equal; specimen/procedure/histologic_type by field + span only — see
// src/evaluation/score-labels.ts) and prints per-field TP/FP/FN, P/R/F1, micro P/R/F1 and context accuracy, for the
// tuning split (every report not in a held-out set of fixtures/eval/held-out.json), the held-out split (the reports
// of its sets, never inspected while tuning; each set is also scored on its own, as is each set released to tuning)
// and all. The last line is one JSON object.
//
// Options: --errors   list the tuning split's false positives / negatives (the held-out split is never listed)
//          --strict   also score specimen/procedure/histologic_type by value (case-insensitive equality)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFindings } from '../src/extract/extract-findings';
import { CONTEXT_KEYS, EVAL_FIELDS, predictionsOf, type EvalLabel } from '../src/evaluation/label-adapter';
import { aggregate, prf, scoreReport, type ReportScore, type SetScore } from '../src/evaluation/score-labels';

const EVAL_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/eval');
const args = new Set(process.argv.slice(2));

interface EvalReport {
  id: string;
  organ: string;
  text: string;
  labels: EvalLabel[];
}

const index = JSON.parse(readFileSync(join(EVAL_DIR, 'index.json'), 'utf8')) as { id: string; organ: string; report: string; labels: string }[];
const reports: EvalReport[] = index
  .map((e) => ({
    id: e.id,
    organ: e.organ,
    text: readFileSync(join(EVAL_DIR, e.report), 'utf8'),
    labels: (JSON.parse(readFileSync(join(EVAL_DIR, e.labels), 'utf8')) as { labels: EvalLabel[] }).labels,
  }))
  .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
type ReportSet = { name: string; ids: string[] };
const heldOutFile = JSON.parse(readFileSync(join(EVAL_DIR, 'held-out.json'), 'utf8')) as { sets: ReportSet[]; released?: ReportSet[] };
const heldOutSets = heldOutFile.sets;
// Sets that were held out once and have since joined the tuning split: scored on their own for the record.
const releasedSets = heldOutFile.released ?? [];
const heldOutIds = new Set(heldOutSets.flatMap((s) => s.ids));
const splitOf = (id: string) => (heldOutIds.has(id) ? 'held-out' : 'tuning');
const tuningCount = reports.filter((r) => splitOf(r.id) === 'tuning').length;

const started = performance.now();
const scored = reports.map((r) => {
  const extracted = extractFindings(r.text);
  const predicted = predictionsOf(extracted.findings);
  return { report: r, split: splitOf(r.id), score: scoreReport(r.labels, predicted), strict: args.has('--strict') ? scoreReport(r.labels, predicted, { strictFreeText: true }) : undefined };
});
const elapsedMs = performance.now() - started;

const SPLITS = ['tuning', 'held-out', 'all'] as const;
type Split = (typeof SPLITS)[number];
const inSplit = (split: Split) => scored.filter((s) => split === 'all' || s.split === split);
const results = Object.fromEntries(SPLITS.map((split) => [split, aggregate(inSplit(split).map((s) => s.score), inSplit(split).map((s) => s.report.labels))])) as Record<Split, SetScore>;
const strictResults = args.has('--strict')
  ? (Object.fromEntries(SPLITS.map((split) => [split, aggregate(inSplit(split).map((s) => s.strict as ReportScore), inSplit(split).map((s) => s.report.labels))])) as Record<Split, SetScore>)
  : undefined;

const f3 = (x: number) => x.toFixed(3);
const pad = (s: string | number, n: number) => String(s).padStart(n);
const padEnd = (s: string, n: number) => s.padEnd(n);
const OVERALL_NAME_WIDTH = 36;

console.log(`Pathology extraction vs fixtures/eval: ${reports.length} reports, ${reports.reduce((a, r) => a + r.labels.length, 0)} labels`);
console.log(`Splits: held-out = the ${reports.length - tuningCount} reports named in fixtures/eval/held-out.json (frozen, never inspected while tuning), tuning = the other ${tuningCount}`);
console.log('Matching: field equal, spans overlap >= 1 char, value equal (specimen/procedure/histologic_type: field + span only)\n');

console.log(`${padEnd('field', 24)}${pad('gold', 6)}${pad('TP', 6)}${pad('FP', 6)}${pad('FN', 6)}${pad('P', 7)}${pad('R', 7)}${pad('F1', 7)}  | ${pad('F1 tuning', 10)}${pad('F1 held-out', 12)}`);
for (const field of EVAL_FIELDS) {
  const c = results.all.perField[field];
  const all = prf(c);
  const t = prf(results.tuning.perField[field]);
  const h = prf(results['held-out'].perField[field]);
  const g = (r: SetScore) => r.perField[field].tp + r.perField[field].fn;
  const cell = (r: SetScore, x: number) => (g(r) + r.perField[field].fp === 0 ? '-' : f3(x));
  console.log(`${padEnd(field, 24)}${pad(c.tp + c.fn, 6)}${pad(c.tp, 6)}${pad(c.fp, 6)}${pad(c.fn, 6)}${pad(f3(all.precision), 7)}${pad(f3(all.recall), 7)}${pad(f3(all.f1), 7)}  | ${pad(cell(results.tuning, t.f1), 10)}${pad(cell(results['held-out'], h.f1), 12)}`);
}
console.log('');
console.log(`${padEnd('overall (micro)', OVERALL_NAME_WIDTH)}${pad('reports', 8)}${pad('TP', 6)}${pad('FP', 6)}${pad('FN', 6)}${pad('P', 7)}${pad('R', 7)}${pad('F1', 7)}`);
const overallRow = (name: string, count: number, o: SetScore['overall']) =>
  console.log(`${padEnd(name, OVERALL_NAME_WIDTH)}${pad(count, 8)}${pad(o.tp, 6)}${pad(o.fp, 6)}${pad(o.fn, 6)}${pad(f3(o.precision), 7)}${pad(f3(o.recall), 7)}${pad(f3(o.f1), 7)}`);
for (const split of SPLITS) overallRow(`${split} split`, inSplit(split).length, results[split].overall);
const scoreSet = (set: ReportSet) => {
  const ids = new Set(set.ids);
  const members = scored.filter((s) => ids.has(s.report.id));
  return { name: set.name, reports: members.length, score: aggregate(members.map((s) => s.score), members.map((s) => s.report.labels)) };
};
const heldOutSetResults = heldOutSets.map(scoreSet);
const releasedSetResults = releasedSets.map(scoreSet);
for (const set of heldOutSetResults) {
  // a set is registered before its reports are written (so nothing in it can have been tuned on)
  if (set.reports === 0) console.log(`${padEnd(`  ${set.name}`, OVERALL_NAME_WIDTH)}${pad(0, 8)}  (registered; no report written yet)`);
  else overallRow(`  ${set.name}`, set.reports, set.score.overall);
}
for (const set of releasedSetResults) overallRow(`  ${set.name} (released: tuning)`, set.reports, set.score.overall);
if (strictResults) {
  console.log('\nstrict variant (specimen/procedure/histologic_type also by value):');
  for (const split of SPLITS) console.log(`${padEnd(`${split} split`, 24)} F1 ${f3(strictResults[split].overall.f1)}`);
}

console.log('\nContext on matched labels (agree/matched; gold-set = matched labels with the flag set, found = of those the extractor also set; false-set = extractor set it, gold did not)');
console.log(`${padEnd('flag', 14)}${SPLITS.map((s) => pad(`${s}: agree`, 22) + pad('gold-set found', 16) + pad('false-set', 10)).join('')}`);
for (const k of CONTEXT_KEYS) {
  const cells = SPLITS.map((s) => {
    const a = results[s].context[k];
    return pad(`${a.agree}/${a.total} ${f3(a.total ? a.agree / a.total : 0)}`, 22) + pad(`${a.goldSetFound}/${a.goldSet}`, 16) + pad(a.falseSet, 10);
  });
  console.log(`${padEnd(k, 14)}${cells.join('')}`);
}
for (const s of SPLITS) {
  const n = results[s].negatedGold;
  console.log(`negated gold labels, ${s}: ${n.matchedAndNegated}/${n.total} matched and judged negated (${f3(n.total ? n.matchedAndNegated / n.total : 0)})`);
}

if (args.has('--errors')) {
  console.log('\nErrors, tuning split only (FN = gold label not matched, FP = prediction not matched):');
  for (const s of scored.filter((x) => x.split === 'tuning')) {
    const t = s.report.text;
    for (const g of s.score.falseNegatives) console.log(`${s.report.id} FN ${g.field} ${JSON.stringify(g.value)} [${g.start},${g.end}] ${JSON.stringify(t.slice(g.start, g.end))}`);
    for (const p of s.score.falsePositives) console.log(`${s.report.id} FP ${p.field} ${JSON.stringify(p.value)} [${p.start},${p.end}] ${JSON.stringify(t.slice(p.start, p.end))}`);
    for (const [g, p] of s.score.pairs) {
      const wrong = CONTEXT_KEYS.filter((k) => g.context[k] !== p.context[k]);
      if (wrong.length) console.log(`${s.report.id} CTX ${g.field} ${wrong.map((k) => `${k}: gold ${g.context[k]} got ${p.context[k]}`).join(', ')} ${JSON.stringify(t.slice(g.start, g.end))}`);
    }
  }
}

const summary = (r: SetScore) => ({
  precision: +f3(r.overall.precision),
  recall: +f3(r.overall.recall),
  f1: +f3(r.overall.f1),
  tp: r.overall.tp,
  fp: r.overall.fp,
  fn: r.overall.fn,
  contextAccuracy: Object.fromEntries(CONTEXT_KEYS.map((k) => [k, +f3(r.context[k].total ? r.context[k].agree / r.context[k].total : 0)])),
  negatedRecall: +f3(r.negatedGold.total ? r.negatedGold.matchedAndNegated / r.negatedGold.total : 0),
});
console.log(
  JSON.stringify({
    eval: 'pathology-extraction',
    reports: reports.length,
    labels: reports.reduce((a, r) => a + r.labels.length, 0),
    tuningReports: tuningCount,
    heldOutReports: reports.length - tuningCount,
    tuning: summary(results.tuning),
    heldOut: summary(results['held-out']),
    heldOutSets: heldOutSetResults.map((set) => ({ name: set.name, reports: set.reports, ...summary(set.score) })),
    releasedSets: releasedSetResults.map((set) => ({ name: set.name, reports: set.reports, ...summary(set.score) })),
    all: summary(results.all),
    perFieldF1: Object.fromEntries(EVAL_FIELDS.map((f) => [f, +f3(prf(results.all.perField[f]).f1)])),
    target: { f1: 0.95, met: results.all.overall.f1 >= 0.95 },
    extractionMs: Math.round(elapsedMs),
  }),
);
