// Runs r-reference/reference.R with the installed R + survival package once, caches the JSON it writes in the
// temp folder (keyed by the script's and R's versions), and returns it. The LGPL/GPL datasets it carries come
// from the R package at test time and are never written into the repository.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ColumnValue } from '../design-matrix';

export const R_INSTALL_HINT = 'install r-cran-survival (apt-get install --no-install-recommends r-cran-survival)';
export const R_REFERENCE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'reference.R');

type Columns = Record<string, ColumnValue[]>;
type Nullable = number | null;

export interface RKaplanMeier {
  time: number[]; n_risk: number[]; n_event: number[]; n_censor: number[];
  surv: number[]; std_err: Nullable[]; lower: Nullable[]; upper: Nullable[];
  median?: Nullable; median_lower?: Nullable; median_upper?: Nullable;
  quantiles?: { quantile: Nullable[]; lower: Nullable[]; upper: Nullable[] };
}
export interface RLogRank { n: number[]; observed: number[]; expected: number[]; var: number[]; chisq: number; df: number; p: number }
export interface RConcordance { C: number; se: number; counts: { concordant: number; discordant: number; tied_x: number; tied_y: number; tied_xy: number } }
export interface RCox {
  terms: string[]; coef: number[]; se: number[]; loglik: number[]; iter: number; n: number; nevent: number; n_dropped: number;
  means: number[]; score_test: number; wald_test: number; lr_test: number; df: number; linear_predictors: number[];
  concordance: RConcordance; baseline: { time: number[]; cumhaz: number[]; surv: number[] };
  predicted: { times: number[]; rows: number[]; surv: number[][] };
}
export interface RReference {
  meta: { R_version: string; survival_version: string };
  data: Record<'lung' | 'ovarian' | 'colon_death' | 'veteran' | 'rotterdam_np' | 'gbsg', Columns>;
  levels: Record<string, Record<string, string[]>>;
  km: { lung: Record<string, RKaplanMeier>; ovarian: Record<string, RKaplanMeier>; colon_death: Record<string, RKaplanMeier>; lung_conf_90: RKaplanMeier };
  logrank: Record<'lung_sex' | 'lung_sex_rho1' | 'lung_ecog' | 'colon_rx' | 'colon_rx_strata_sex' | 'ovarian_rx_rho05', RLogRank>;
  cox: Record<'lung_efron' | 'lung_breslow' | 'ovarian' | 'colon_rx' | 'colon_full' | 'veteran_efron' | 'veteran_breslow' | 'rotterdam_efron' | 'rotterdam_breslow', RCox>;
  concordance: { gbsg_lp: number[]; harrell: RConcordance; harrell_tau5y: RConcordance; uno: RConcordance; uno_tau5y: RConcordance; tau: number; lung_age: RConcordance; lung_age_uno: RConcordance };
  td_auc: { times: number[]; gbsg: number[]; lung_efron: number[] };
  brier: {
    rotterdam_train: { times: number[]; null: number[]; model: number[] };
    lung_train: { times: number[]; null: number[]; model: number[] };
    gbsg: { times: number[]; brier: number[]; predicted_surv_first_row: number[] };
    gbsg_ibs: { grid: number[]; brier: number[]; ibs: number };
  };
}

let cached: RReference | undefined;

/**
 * R's results (and the data they came from). Throws, with the install hint, when Rscript or survival is missing.
 * `rscript` (default "Rscript" on the PATH, or $ONCOBOARD_RSCRIPT) names the R front end.
 */
export function loadRReference(options: { readonly rscript?: string } = {}): RReference {
  const rscript = options.rscript ?? process.env.ONCOBOARD_RSCRIPT ?? 'Rscript';
  if (cached && rscript === 'Rscript') return cached;
  const version = spawnSync(rscript, ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    throw new Error(`R-parity tests need Rscript with R's survival package, but Rscript could not be run (${version.error?.message ?? `exit ${version.status}`}): ${R_INSTALL_HINT}`);
  }
  const script = readFileSync(R_REFERENCE_SCRIPT);
  const key = createHash('sha256').update(script).update(version.stdout + version.stderr).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'oncoboard-survival-r-reference');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${key}.json`);
  if (!existsSync(out)) {
    const run = spawnSync(rscript, ['--vanilla', R_REFERENCE_SCRIPT, out], { encoding: 'utf8', timeout: 170_000 });
    if (run.status !== 0 || !existsSync(out)) {
      const missing = /no package called .survival./.test(run.stderr) ? "R's survival package is not installed" : 'reference.R failed';
      throw new Error(`${missing} (Rscript exit ${run.status}): ${run.stderr.trim().split('\n').slice(-5).join(' | ')}; ${R_INSTALL_HINT}`);
    }
  }
  const reference = JSON.parse(readFileSync(out, 'utf8')) as RReference;
  if (rscript === 'Rscript') cached = reference;
  return reference;
}
