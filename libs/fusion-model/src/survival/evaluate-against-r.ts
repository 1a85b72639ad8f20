/**
 * Max absolute differences between this library and R's survival package, as tables.
 *
 *   node --import tsx libs/fusion-model/src/survival/evaluate-against-r.ts [--shared-dir ../shared/datasets/survival]
 *
 * 1. Live R: runs r-reference/reference.R with the installed Rscript (cached like the tests) and compares every
 *    statistic the R-parity tests check.
 * 2. Shared reference: the CSVs and *.reference.json in --shared-dir (default ../shared/datasets/survival from the
 *    repository root; produced there by R 4.2.2 + survival 3.5-3). Not a unit test: those files are LGPL/GPL data
 *    kept outside the repository. Skipped with a note when the folder is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { computeBrierScore, computeIntegratedBrierScore } from './brier';
import { computeConcordance, computeHarrellC, computeUnoC } from './concordance';
import { baselineCumulativeHazard, coxLinearPredictor, fitCox, predictCoxSurvival } from './cox';
import { buildDesignMatrix, buildSurvivalDesign, type ColumnValue, type DataColumns, type TermSpec } from './design-matrix';
import { kaplanMeier, type ConfidenceIntervalType } from './kaplan-meier';
import { logRankTest } from './log-rank';
import { loadRReference, type RReference } from './r-reference/load-r-reference';
import { stepValue } from './survival-data';
import { computeTimeDependentAuc } from './time-dependent-auc';

type Row = { statistic: string; dataset: string; values: number; maxAbsDiff: number };

function maxAbs(ours: ArrayLike<number>, theirs: ReadonlyArray<number | null>): [number, number] {
  let m = 0;
  let k = 0;
  for (let i = 0; i < theirs.length; i++) {
    const r = theirs[i];
    const o = ours[i]!;
    if (r === null || r === undefined) {
      if (Number.isFinite(o)) return [Infinity, theirs.length];
      continue;
    }
    if (!Number.isFinite(o)) return [Infinity, theirs.length];
    m = Math.max(m, Math.abs(o - r));
    k++;
  }
  if (ours.length !== theirs.length) return [Infinity, theirs.length];
  return [m, k];
}

class Table {
  readonly rows: Row[] = [];
  add(statistic: string, dataset: string, ours: ArrayLike<number> | number, theirs: ReadonlyArray<number | null> | number | null): void {
    const o = typeof ours === 'number' ? [ours] : ours;
    const t = typeof theirs === 'number' || theirs === null ? [theirs] : theirs;
    const [m, k] = maxAbs(o, t);
    const existing = this.rows.find((r) => r.statistic === statistic && r.dataset === dataset);
    if (existing) {
      existing.maxAbsDiff = Math.max(existing.maxAbsDiff, m);
      existing.values += k;
    } else this.rows.push({ statistic, dataset, values: k, maxAbsDiff: m });
  }
  print(title: string): void {
    console.log(`\n${title}`);
    const w1 = Math.max(...this.rows.map((r) => r.statistic.length), 9);
    const w2 = Math.max(...this.rows.map((r) => r.dataset.length), 7);
    console.log(`${'statistic'.padEnd(w1)}  ${'dataset'.padEnd(w2)}  ${'values'.padStart(6)}  max |ours - R|`);
    for (const r of this.rows) console.log(`${r.statistic.padEnd(w1)}  ${r.dataset.padEnd(w2)}  ${String(r.values).padStart(6)}  ${r.maxAbsDiff.toExponential(2)}`);
  }
}

// ---- 1. live R ------------------------------------------------------------------------------------
function againstLiveR(R: RReference): Table {
  const table = new Table();
  const data = (name: string) => R.data[name as keyof RReference['data']];
  const f = (dataName: string, column: string): TermSpec => ({ column, levels: R.levels[dataName]![column]! });
  for (const [key, dataName, time, status] of [['lung', 'lung', 'time', 'status'], ['ovarian', 'ovarian', 'futime', 'fustat'], ['colon_death', 'colon_death', 'time', 'status']] as const) {
    const d = buildSurvivalDesign(data(dataName), { time, status }, []);
    for (const confType of ['log', 'log-log', 'plain'] as ConfidenceIntervalType[]) {
      const ref = (R.km as unknown as Record<string, Record<string, import('./r-reference/load-r-reference').RKaplanMeier>>)[key]![confType]!;
      const fit = kaplanMeier(d.time, d.status, { confType });
      table.add('KM surv', key, fit.surv, ref.surv);
      table.add('KM std.err', key, fit.stdErr, ref.std_err);
      table.add(`KM lower/upper (${confType})`, key, [...fit.lower, ...fit.upper], [...ref.lower, ...ref.upper]);
      table.add('KM median + CI', key, [fit.median.estimate, fit.median.lower, fit.median.upper], [ref.median ?? null, ref.median_lower ?? null, ref.median_upper ?? null]);
    }
  }
  const lrCases = [
    ['lung_sex', 'lung', 'time', 'status', 'sex', 0, undefined],
    ['lung_sex_rho1', 'lung', 'time', 'status', 'sex', 1, undefined],
    ['lung_ecog', 'lung', 'time', 'status', 'ph.ecog', 0, undefined],
    ['colon_rx', 'colon_death', 'time', 'status', 'rx', 0, undefined],
    ['colon_rx_strata_sex', 'colon_death', 'time', 'status', 'rx', 0, 'sex'],
    ['ovarian_rx_rho05', 'ovarian', 'futime', 'fustat', 'rx', 0.5, undefined],
  ] as const;
  for (const [key, dataName, time, status, group, rho, strata] of lrCases) {
    const cols = data(dataName);
    const levels = R.levels[dataName]?.[group];
    const d = buildSurvivalDesign(cols, { time, status }, [levels ? { column: group, levels } : group, ...(strata ? [strata] : [])]);
    const res = logRankTest(d.time, d.status, Array.from(d.rows, (r) => cols[group]![r] as string | number), {
      rho, levels, strata: strata ? Array.from(d.rows, (r) => cols[strata]![r] as number) : undefined,
    });
    table.add('log-rank chisq', key, res.chisq, R.logrank[key].chisq);
    table.add('log-rank p', key, res.p, R.logrank[key].p);
  }
  const rott = (): TermSpec[] => ['meno', f('rotterdam_np', 'size'), 'grade', 'nodes', 'pgr', 'er', 'hormon', 'age'];
  const coxCases: Array<[keyof RReference['cox'], string, string, string, TermSpec[], 'efron' | 'breslow']> = [
    ['lung_efron', 'lung', 'time', 'status', ['age', 'sex', 'ph.ecog'], 'efron'],
    ['lung_breslow', 'lung', 'time', 'status', ['age', 'sex', 'ph.ecog'], 'breslow'],
    ['ovarian', 'ovarian', 'futime', 'fustat', ['age', 'resid.ds', 'rx', 'ecog.ps'], 'efron'],
    ['colon_rx', 'colon_death', 'time', 'status', [f('colon_death', 'rx')], 'efron'],
    ['colon_full', 'colon_death', 'time', 'status', [f('colon_death', 'rx'), 'sex', 'age', 'obstruct', 'perfor', 'adhere', 'nodes', 'differ', 'extent', 'surg'], 'efron'],
    ['veteran_efron', 'veteran', 'time', 'status', ['trt', f('veteran', 'celltype'), 'karno', 'diagtime', 'age', 'prior'], 'efron'],
    ['veteran_breslow', 'veteran', 'time', 'status', ['trt', f('veteran', 'celltype'), 'karno', 'diagtime', 'age', 'prior'], 'breslow'],
    ['rotterdam_efron', 'rotterdam_np', 'rfstime', 'rfs', rott(), 'efron'],
    ['rotterdam_breslow', 'rotterdam_np', 'rfstime', 'rfs', rott(), 'breslow'],
  ];
  for (const [key, dataName, time, status, terms, ties] of coxCases) {
    const ref = R.cox[key];
    const d = buildSurvivalDesign(data(dataName), { time, status }, terms);
    const fit = fitCox(d, { ties });
    table.add('Cox coef', key, fit.coef, ref.coef);
    table.add('Cox se', key, fit.se, ref.se);
    table.add('Cox loglik', key, fit.loglik, ref.loglik);
    table.add('Cox LR/Wald/score chisq', key, [fit.likelihoodRatioTest.chisq, fit.waldTest.chisq, fit.scoreTest.chisq], [ref.lr_test, ref.wald_test, ref.score_test]);
    table.add('Cox linear predictor', key, fit.linearPredictors, ref.linear_predictors);
    table.add('Cox baseline cumhaz', key, ref.baseline.time.map((t) => stepValue(fit.baseline.time, fit.baseline.cumulativeHazard, t, 0)), ref.baseline.cumhaz);
    const full = buildDesignMatrix(data(dataName), terms);
    ref.predicted.rows.forEach((row, k) => {
      const r = Array.from(full.rows).indexOf(row - 1);
      const s = predictCoxSurvival(fit, full.values.subarray(r * full.ncol, (r + 1) * full.ncol), ref.predicted.times).map((a) => a[0]!);
      table.add('Cox predicted S(t|x)', key, s, ref.predicted.surv[k]!);
    });
    const c = computeHarrellC(d.time, d.status, fit.linearPredictors);
    table.add("Harrell's C (train)", key, c.concordance, ref.concordance.C);
    table.add("Harrell's C se (train)", key, c.stdErr, ref.concordance.se);
  }
  const train = buildSurvivalDesign(data('rotterdam_np'), { time: 'rfstime', status: 'rfs' }, rott());
  const fit = fitCox(train);
  const gbsg = buildSurvivalDesign(data('gbsg'), { time: 'rfstime', status: 'rfs' }, rott());
  const lp = coxLinearPredictor(fit, gbsg.values);
  table.add('linear predictor, new data', 'gbsg', lp, R.concordance.gbsg_lp);
  const conc: Array<[string, ReturnType<typeof computeHarrellC>, import('./r-reference/load-r-reference').RConcordance]> = [
    ["Harrell's C", computeHarrellC(gbsg.time, gbsg.status, lp), R.concordance.harrell],
    ["Harrell's C, ymax 5 y", computeHarrellC(gbsg.time, gbsg.status, lp, { ymax: R.concordance.tau }), R.concordance.harrell_tau5y],
    ["Uno's C", computeUnoC(gbsg.time, gbsg.status, lp), R.concordance.uno],
    ["Uno's C, tau 5 y", computeUnoC(gbsg.time, gbsg.status, lp, { tau: R.concordance.tau }), R.concordance.uno_tau5y],
  ];
  for (const [name, ours, ref] of conc) {
    table.add(name, 'rotterdam->gbsg', ours.concordance, ref.C);
    table.add(`${name} se`, 'rotterdam->gbsg', ours.stdErr, ref.se);
  }
  const lungAge = buildSurvivalDesign(data('lung'), { time: 'time', status: 'status' }, ['age']);
  table.add("Harrell's C (y ~ age)", 'lung', computeConcordance(lungAge.time, lungAge.status, lungAge.values).concordance, R.concordance.lung_age.C);
  table.add("Uno's C (y ~ age)", 'lung', computeConcordance(lungAge.time, lungAge.status, lungAge.values, { timeWeight: 'n/G2' }).concordance, R.concordance.lung_age_uno.C);
  table.add('td-AUC (IPCW, 1..5 y)', 'rotterdam->gbsg', computeTimeDependentAuc(gbsg.time, gbsg.status, lp, R.td_auc.times).auc, R.td_auc.gbsg);
  const lung = buildSurvivalDesign(data('lung'), { time: 'time', status: 'status' }, ['age', 'sex', 'ph.ecog']);
  const lungFit = fitCox(lung);
  table.add('td-AUC (IPCW, 180/365/540 d)', 'lung', computeTimeDependentAuc(lung.time, lung.status, lungFit.linearPredictors, [180, 365, 540]).auc, R.td_auc.lung_efron);
  for (const [key, d, cf] of [['rotterdam_train', train, fit], ['lung_train', lung, lungFit]] as const) {
    const ref = R.brier[key];
    table.add('Brier (survival:::brier, model)', key, computeBrierScore(d.time, d.status, predictCoxSurvival(cf, d.values, ref.times), ref.times).brier, ref.model);
    const nh = baselineCumulativeHazard(d.time, d.status, new Float64Array(d.nrow), 'efron');
    const nullSurv = ref.times.map((t) => new Float64Array(d.nrow).fill(Math.exp(-stepValue(nh.time, nh.cumulativeHazard, t, 0))));
    table.add('Brier (survival:::brier, null)', key, computeBrierScore(d.time, d.status, nullSurv, ref.times).brier, ref.null);
  }
  table.add('Brier at 1..5 y', 'rotterdam->gbsg', computeBrierScore(gbsg.time, gbsg.status, predictCoxSurvival(fit, gbsg.values, R.brier.gbsg.times), R.brier.gbsg.times).brier, R.brier.gbsg.brier);
  const grid = R.brier.gbsg_ibs.grid;
  const ibs = computeIntegratedBrierScore(gbsg.time, gbsg.status, predictCoxSurvival(fit, gbsg.values, grid), grid);
  table.add('integrated Brier (<= 5 y)', 'rotterdam->gbsg', ibs.integrated, R.brier.gbsg_ibs.ibs);
  return table;
}

// ---- 2. shared reference files ------------------------------------------------------------------------
function readCsv(file: string): DataColumns {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  const split = (line: string): string[] => {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
      } else if (ch === '"') { quoted = true; cur += '\u0000'; } else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const header = split(lines[0]!).map((h) => h.replace('\u0000', ''));
  const cols: Record<string, ColumnValue[]> = Object.fromEntries(header.map((h) => [h, []]));
  for (const line of lines.slice(1)) {
    split(line).forEach((cell, j) => {
      const quoted = cell.startsWith('\u0000');
      const v = cell.replace('\u0000', '');
      cols[header[j]!]!.push(quoted ? v : v === '' ? null : Number(v));
    });
  }
  return cols;
}
function subset(cols: DataColumns, keep: (i: number) => boolean): Record<string, ColumnValue[]> {
  const n = Object.values(cols)[0]!.length;
  const idx = [...Array(n).keys()].filter(keep);
  return Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, idx.map((i) => v[i]!)]));
}

interface SharedCox { n: number; coefficients: Array<{ term: string; coef: number; se: number }>; loglik_null: number; loglik_final: number; lr_test: { chisq: number }; concordance_train_harrell: { C: number; se: number }; validation_gbsg?: Record<string, { C: number; se: number } | number | string> }

function againstShared(dir: string): Table {
  const table = new Table();
  const json = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.reference.json`), 'utf8'));
  const addCox = (label: string, dataset: string, fit: ReturnType<typeof fitCox>, ref: SharedCox, time: Float64Array, status: Uint8Array) => {
    table.add('Cox coef', `${dataset} ${label}`, fit.coef, ref.coefficients.map((c) => c.coef));
    table.add('Cox se', `${dataset} ${label}`, fit.se, ref.coefficients.map((c) => c.se));
    table.add('Cox loglik', `${dataset} ${label}`, fit.loglik, [ref.loglik_null, ref.loglik_final]);
    table.add('Cox LR chisq', `${dataset} ${label}`, fit.likelihoodRatioTest.chisq, ref.lr_test.chisq);
    const c = computeHarrellC(time, status, fit.linearPredictors);
    table.add("Harrell's C (train)", `${dataset} ${label}`, c.concordance, ref.concordance_train_harrell.C);
    table.add("Harrell's C se (train)", `${dataset} ${label}`, c.stdErr, ref.concordance_train_harrell.se);
  };
  // lung: KM and log-rank
  const lung = readCsv(join(dir, 'lung.csv'));
  const lungRef = json('lung');
  const ld = buildSurvivalDesign(lung, { time: 'time', status: 'status' }, []);
  const km = kaplanMeier(ld.time, ld.status);
  const tab = lungRef.km.table_full as Array<Record<string, number | null>>;
  table.add('KM surv', 'lung', km.surv, tab.map((r) => r.surv!));
  table.add('KM std.err', 'lung', km.stdErr, tab.map((r) => r.std_err!));
  table.add('KM lower/upper (log)', 'lung', [...km.lower, ...km.upper], [...tab.map((r) => r.lower!), ...tab.map((r) => r.upper!)]);
  table.add('KM median + CI', 'lung', [km.median.estimate, km.median.lower, km.median.upper], [lungRef.km.median, lungRef.km.median_lower_95, lungRef.km.median_upper_95]);
  const lr = logRankTest(ld.time, ld.status, Array.from(ld.rows, (r) => lung.sex![r] as number));
  table.add('log-rank chisq', 'lung ~ sex', lr.chisq, lungRef.logrank_sex.chisq);
  table.add('log-rank observed/expected', 'lung ~ sex', [...lr.observed, ...lr.expected], [...lungRef.logrank_sex.observed, ...lungRef.logrank_sex.expected]);
  // ovarian
  const ov = readCsv(join(dir, 'ovarian.csv'));
  const ovRef = json('ovarian');
  const od = buildSurvivalDesign(ov, { time: 'futime', status: 'fustat' }, ['age', 'resid.ds', 'rx', 'ecog.ps']);
  addCox('efron', 'ovarian', fitCox(od), ovRef.cox, od.time, od.status);
  const okm = kaplanMeier(od.time, od.status);
  table.add('KM surv', 'ovarian', okm.surv, ovRef.km.surv);
  table.add('KM lower/upper (log)', 'ovarian', [...okm.lower, ...okm.upper], [...ovRef.km.lower, ...ovRef.km.upper]);
  table.add('KM median + CI', 'ovarian', okm.median.estimate, ovRef.km.median);
  // colon, death endpoint
  const colon = readCsv(join(dir, 'colon.csv'));
  const colonDeath = subset(colon, (i) => colon.etype![i] === 2);
  const colonRef = json('colon');
  const rx: TermSpec = { column: 'rx', levels: ['Obs', 'Lev', 'Lev+5FU'] };
  const cd = buildSurvivalDesign(colonDeath, { time: 'time', status: 'status' }, [rx, 'sex', 'age', 'obstruct', 'perfor', 'adhere', 'nodes', 'differ', 'extent', 'surg']);
  addCox('efron', 'colon death', fitCox(cd), colonRef.cox_death, cd.time, cd.status);
  const cl = buildSurvivalDesign(colonDeath, { time: 'time', status: 'status' }, [rx]);
  const clr = logRankTest(cl.time, cl.status, Array.from(cl.rows, (r) => colonDeath.rx![r] as string), { levels: ['Obs', 'Lev', 'Lev+5FU'] });
  table.add('log-rank chisq', 'colon death ~ rx', clr.chisq, colonRef.logrank_rx_death.chisq);
  // veteran
  const vet = readCsv(join(dir, 'veteran.csv'));
  const vetRef = json('veteran');
  const vd = buildSurvivalDesign(vet, { time: 'time', status: 'status' }, ['trt', { column: 'celltype', levels: ['squamous', 'smallcell', 'adeno', 'large'] }, 'karno', 'diagtime', 'age', 'prior']);
  const vfit = fitCox(vd);
  addCox('efron', 'veteran', vfit, vetRef.efron, vd.time, vd.status);
  addCox('breslow', 'veteran', fitCox(vd, { ties: 'breslow' }), vetRef.breslow, vd.time, vd.status);
  table.add('Cox linear predictor', 'veteran efron', vfit.linearPredictors, vetRef.linear_predictor_efron);
  // rotterdam -> gbsg
  const rottAll = readCsv(join(dir, 'rotterdam.csv'));
  const n = rottAll.pid!.length;
  const rfs = Array.from({ length: n }, (_, i) => Math.max(rottAll.recur![i] as number, rottAll.death![i] as number));
  const rfstime = Array.from({ length: n }, (_, i) => (rottAll.recur![i] === 1 ? rottAll.rtime![i] : rottAll.dtime![i]) as number);
  const rott: DataColumns = { ...rottAll, rfs, rfstime };
  const rottNp = subset(rott, (i) => (rott.nodes![i] as number) > 0);
  const gbsgRaw = readCsv(join(dir, 'gbsg.csv'));
  const sizeLevels = ['<=20', '20-50', '>50'];
  const gbsg: DataColumns = { ...gbsgRaw, rfs: gbsgRaw.status!, size: gbsgRaw.size!.map((s) => ((s as number) <= 20 ? '<=20' : (s as number) <= 50 ? '20-50' : '>50')) };
  const terms: TermSpec[] = ['meno', { column: 'size', levels: sizeLevels }, 'grade', 'nodes', 'pgr', 'er', 'hormon', 'age'];
  const rotRef = json('rotterdam');
  const gd = buildSurvivalDesign(gbsg, { time: 'rfstime', status: 'rfs' }, terms);
  const validate = (label: string, ref: SharedCox, fit: ReturnType<typeof fitCox>, gValues: Float64Array) => {
    const lp = coxLinearPredictor(fit, gValues);
    const v = ref.validation_gbsg! as Record<string, { C: number; se: number }>;
    const tau = 5 * 365.25;
    const pairs: Array<[string, ReturnType<typeof computeHarrellC>, { C: number; se: number }]> = [
      ["Harrell's C", computeHarrellC(gd.time, gd.status, lp), v.harrell_C!],
      ["Harrell's C, ymax 5 y", computeHarrellC(gd.time, gd.status, lp, { ymax: tau }), v.harrell_C_tau_5y!],
      ["Uno's C", computeUnoC(gd.time, gd.status, lp), v.uno_C!],
      ["Uno's C, tau 5 y", computeUnoC(gd.time, gd.status, lp, { tau }), v.uno_C_tau_5y!],
    ];
    for (const [name, ours, r] of pairs) {
      table.add(`${name} (gbsg)`, `rotterdam ${label}`, ours.concordance, r.C);
      table.add(`${name} se (gbsg)`, `rotterdam ${label}`, ours.stdErr, r.se);
    }
    const slope = fitCox({ time: gd.time, status: gd.status, values: lp, ncol: 1 });
    table.add('calibration slope (gbsg)', `rotterdam ${label}`, slope.coef[0]!, (ref.validation_gbsg as Record<string, number>).calibration_slope!);
    return lp;
  };
  const npd = buildSurvivalDesign(rottNp, { time: 'rfstime', status: 'rfs' }, terms);
  const fitA = fitCox(npd);
  addCox('(a) efron', 'rotterdam', fitA, rotRef.model_a_primary, npd.time, npd.status);
  const lpA = validate('(a) efron', rotRef.model_a_primary, fitA, gd.values);
  table.add('linear predictor, new data', 'rotterdam (a) -> gbsg', lpA, rotRef.gbsg_linear_predictor_model_a);
  const fitB = fitCox(npd, { ties: 'breslow' });
  addCox('(b) breslow', 'rotterdam', fitB, rotRef.model_b_breslow, npd.time, npd.status);
  validate('(b) breslow', rotRef.model_b_breslow, fitB, gd.values);
  const alld = buildSurvivalDesign(rott, { time: 'rfstime', status: 'rfs' }, terms);
  const fitC = fitCox(alld);
  addCox('(c) all', 'rotterdam', fitC, rotRef.model_c_all_patients, alld.time, alld.status);
  validate('(c) all', rotRef.model_c_all_patients, fitC, gd.values);
  // (d) the vignette model: administrative censoring at 7 years, fractional-polynomial age, Breslow
  const y7 = Math.round(7 * 365.25);
  const recur7 = rottNp.rtime!.map((t, i) => ((t as number) > y7 ? 0 : (rottNp.recur![i] as number)));
  const rtime7 = rottNp.rtime!.map((t) => Math.min(t as number, y7));
  const death7 = rottNp.dtime!.map((t, i) => ((t as number) > y7 ? 0 : (rottNp.death![i] as number)));
  const dtime7 = rottNp.dtime!.map((t) => Math.min(t as number, y7));
  const derived = (cols: DataColumns) => ({
    age3: cols.age!.map((a) => ((a as number) / 100) ** 3),
    age3log: cols.age!.map((a) => ((a as number) / 100) ** 3 * Math.log((a as number) / 100)),
    invSqrtNodes: cols.nodes!.map((v) => 1 / Math.sqrt(v as number)),
    erK: cols.er!.map((v) => (v as number) / 1000),
  });
  const r7: DataColumns = { ...rottNp, ...derived(rottNp), rfs7: recur7.map((r, i) => Math.max(r, death7[i]!)), rfstime7: recur7.map((r, i) => (r === 1 ? rtime7[i]! : dtime7[i]!)) };
  const termsD: TermSpec[] = ['age3', 'age3log', 'meno', { column: 'size', levels: sizeLevels }, 'invSqrtNodes', 'erK', 'hormon'];
  const d7 = buildSurvivalDesign(r7, { time: 'rfstime7', status: 'rfs7' }, termsD);
  const fitD = fitCox(d7, { ties: 'breslow' });
  addCox('(d) vignette', 'rotterdam', fitD, rotRef.model_d_vignette_royston_altman, d7.time, d7.status);
  const gd7 = buildDesignMatrix({ ...gbsg, ...derived(gbsg) }, termsD);
  validate('(d) vignette', rotRef.model_d_vignette_royston_altman, fitD, gd7.values);
  return table;
}

const { values } = parseArgs({ options: { 'shared-dir': { type: 'string' } } });
const repoRoot = resolve(import.meta.dirname, '../../../..');
const sharedDir = resolve(values['shared-dir'] ?? join(repoRoot, '..', 'shared', 'datasets', 'survival'));
const R = loadRReference();
againstLiveR(R).print(`1. live R (${R.meta.R_version}, survival ${R.meta.survival_version}): r-reference/reference.R`);
if (existsSync(join(sharedDir, 'rotterdam.reference.json'))) againstShared(sharedDir).print(`2. shared reference files: ${sharedDir}`);
else console.log(`\n2. shared reference files: ${sharedDir} not found, skipped (pass --shared-dir)`);
