// Evaluates ConTextAnalyzer against a test kit in the NegEx/genConText format (chapmanbe/negex
// rsAnnotations-1-120-random.txt): a header line, then
//   number <TAB> condition <TAB> sentence <TAB> negation (Affirmed|Negated|Possible) <TAB> temporality
//   (Recent|Historical|Not particular) <TAB> experiencer (Patient|Other)
// and prints precision / recall / F1 per category. The whole kit sentence is the scope unit, as in genConText.
//   npx tsx libs/pathology/src/context/evaluate.ts <kit.tsv> [--window 5]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConTextAnalyzer, type ContextOptions } from './context-algorithm';

export interface KitRow {
  line: number;
  condition: string;
  sentence: string;
  negation: 'affirmed' | 'negated' | 'possible';
  temporality: 'recent' | 'historical' | 'hypothetical';
  experiencer: 'patient' | 'other';
}

export interface CategoryScore {
  category: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface KitEvaluation {
  rows: number;
  /** Rows whose condition is not found in the sentence (skipped). */
  unmatched: number[];
  scores: CategoryScore[];
}

export class ContextKitError extends Error {
  override name = 'ContextKitError';
}

export function parseContextKit(content: string, file = 'kit'): KitRow[] {
  const lines = content.split(/\r?\n/);
  const rows: KitRow[] = [];
  lines.slice(1).forEach((line, n) => {
    if (!line.trim()) return;
    const cols = line.split('\t');
    if (cols.length < 6) throw new ContextKitError(`${file}:${n + 2}: expected 6 tab-separated columns, found ${cols.length}`);
    const neg = (cols[3] as string).trim().toLowerCase();
    const temp = (cols[4] as string).trim().toLowerCase();
    const exp = (cols[5] as string).trim().toLowerCase();
    if (!['affirmed', 'negated', 'possible'].includes(neg)) throw new ContextKitError(`${file}:${n + 2}: negation: expected Affirmed, Negated or Possible, found "${cols[3]}"`);
    if (!['recent', 'historical', 'not particular', 'hypothetical'].includes(temp)) throw new ContextKitError(`${file}:${n + 2}: temporality: expected Recent, Historical or Not particular, found "${cols[4]}"`);
    if (!['patient', 'other'].includes(exp)) throw new ContextKitError(`${file}:${n + 2}: experiencer: expected Patient or Other, found "${cols[5]}"`);
    rows.push({
      line: Number(cols[0]),
      condition: (cols[1] as string).trim(),
      sentence: cols[2] as string,
      negation: neg as KitRow['negation'],
      temporality: temp === 'historical' ? 'historical' : temp === 'recent' ? 'recent' : 'hypothetical',
      experiencer: exp as KitRow['experiencer'],
    });
  });
  return rows;
}

function score(category: string, pairs: [boolean, boolean][]): CategoryScore {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [gold, predicted] of pairs) {
    if (gold && predicted) tp++;
    else if (predicted) fp++;
    else if (gold) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return { category, tp, fp, fn, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

export function evaluateContextKit(rows: readonly KitRow[], options: ContextOptions = {}): KitEvaluation {
  const analyzer = new ConTextAnalyzer(undefined, options);
  const pairs: Record<string, [boolean, boolean][]> = { negated: [], possible: [], historical: [], hypothetical: [], other: [] };
  const unmatched: number[] = [];
  for (const row of rows) {
    const pattern = new RegExp(row.condition.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'), 'i');
    const m = pattern.exec(row.sentence);
    if (!m) {
      unmatched.push(row.line);
      continue;
    }
    const c = analyzer.assess(row.sentence, { start: m.index, end: m.index + m[0].length }, { start: 0, end: row.sentence.length });
    const predictedNegation = c.negated ? 'negated' : c.uncertain ? 'possible' : 'affirmed';
    pairs.negated!.push([row.negation === 'negated', predictedNegation === 'negated']);
    pairs.possible!.push([row.negation === 'possible', predictedNegation === 'possible']);
    pairs.historical!.push([row.temporality === 'historical', c.historical && !c.hypothetical]);
    pairs.hypothetical!.push([row.temporality === 'hypothetical', c.hypothetical]);
    pairs.other!.push([row.experiencer === 'other', c.experiencer === 'other']);
  }
  return { rows: rows.length, unmatched, scores: Object.entries(pairs).map(([k, p]) => score(k, p)) };
}

export function formatKitEvaluation(e: KitEvaluation): string {
  const head = 'category      TP    FP    FN  precision  recall  F1';
  const lines = e.scores.map((s) => `${s.category.padEnd(12)} ${String(s.tp).padStart(4)}  ${String(s.fp).padStart(4)}  ${String(s.fn).padStart(4)}  ${s.precision.toFixed(3).padStart(9)}  ${s.recall.toFixed(3).padStart(6)}  ${s.f1.toFixed(3)}`);
  return [`${e.rows} rows, ${e.unmatched.length} without their condition in the sentence (skipped)`, head, ...lines].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, flag, value] = process.argv.slice(2);
  if (!file) {
    console.error('usage: evaluate.ts <kit.tsv> [--window N]');
    process.exit(2);
  }
  const options: ContextOptions = flag === '--window' && value ? { window: Number(value) } : {};
  try {
    console.log(formatKitEvaluation(evaluateContextKit(parseContextKit(readFileSync(file, 'utf8'), file), options)));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
