// IBSI 1 digital phantom conformance: our value for every reference row, with the tolerance check.
import { computeRadiomics, IBSI_DIGITAL_PHANTOM_CONFIG } from './index';
import { loadIbsiPhantom, loadIbsiReference, IBSI_FIXTURE_DIR } from './ibsi-fixture';

export interface ConformanceRow {
  family: string;
  feature: string;
  tag: string;
  /** null for rows IBSI lists as 'not standardized' (no reference value). */
  reference: number | null;
  /** Tolerance applied: max(CSV tolerance, half a unit in the 3rd significant digit of the reference). */
  tolerance: number | null;
  ours: number | null;
  ok: boolean;
}

/**
 * IBSI publishes the phantom's values rounded to 3 significant digits, most with tolerance 0. We therefore
 * accept |ours − reference| ≤ max(tolerance, ½ unit of the 3rd significant digit) (1e-9 for a reference of 0).
 */
export function effectiveTolerance(reference: number, csvTolerance: number): number {
  const round = reference === 0 ? 1e-9 : 0.5 * Math.pow(10, Math.floor(Math.log10(Math.abs(reference))) - 2);
  return Math.max(csvTolerance, round) * (1 + 1e-9);
}

export function ibsiConformance(fixtureDir = IBSI_FIXTURE_DIR): ConformanceRow[] {
  const ref = loadIbsiReference(fixtureDir);
  const { image, mask } = loadIbsiPhantom(fixtureDir);
  const { features } = computeRadiomics(image, mask, IBSI_DIGITAL_PHANTOM_CONFIG);
  return ref.map((r) => {
    const v = features[r.tag];
    const ours = v === undefined || Number.isNaN(v) ? null : v;
    const tolerance = r.reference === null ? null : effectiveTolerance(r.reference, r.tolerance);
    const ok = ours !== null && r.reference !== null && tolerance !== null && Math.abs(ours - r.reference) <= tolerance;
    return { family: r.family, feature: r.feature, tag: r.tag, reference: r.reference, tolerance, ours, ok };
  });
}

export interface ConformanceSummary {
  total: number;
  withReference: number;
  implemented: number;
  withinTolerance: number;
  failures: ConformanceRow[];
}

export function conformanceSummary(rows: ConformanceRow[]): ConformanceSummary {
  return {
    total: rows.length,
    withReference: rows.filter((r) => r.reference !== null).length,
    implemented: rows.filter((r) => r.ours !== null).length,
    withinTolerance: rows.filter((r) => r.ok).length,
    failures: rows.filter((r) => r.reference !== null && !r.ok),
  };
}
