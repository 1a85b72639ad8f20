// `oncoboard genomics-export --patient <Patient/id> --out <file.json> [--tmb-target-mb <Mb> [--tmb-min-vaf <f>] [--tmb-min-depth <n>]]`:
// the patient's stored genomic findings (somatic variants, CIViC therapeutic evidence, TMB) as a FHIR R4 Bundle of
// HL7 Genomics Reporting resources (libs/genomics/src/fhir-export). With --tmb-target-mb the TMB is computed from the
// stored variants over that declared target (export only, nothing is written to the store); without it the TMB the
// import stored, if any, is exported. Exit status: 0 written, 1 an error (the message names what was expected).
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Fact } from '@oncoboard/facts';
import {
  ACTIONABILITY_EVIDENCE_FACT,
  SOMATIC_VARIANT_FACT,
  TMB_FACT,
  computeTmb,
  exportGenomicReport,
  loadGeneTable,
  tmbVariantFromFact,
  type TmbVariant,
} from '@oncoboard/genomics';
import { openStore, resolveDatabaseUrl } from '@oncoboard/store';

export const GENOMICS_EXPORT_USAGE = 'genomics-export --patient <Patient/id> --out <file.json> [--tmb-target-mb <Mb> [--tmb-min-vaf <0..1>] [--tmb-min-depth <reads>]]';

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected a number ≥ 0, found "${value.slice(0, 40)}"`);
  return n;
}

/** The TMB of the stored variants over a declared target, as a fact citing the counted variants (not stored). */
export function tmbFactFromVariants(patientKey: string, variantFacts: readonly Fact[], options: { targetSizeMb: number; minVaf?: number; minDepth?: number }): Fact {
  const inputs = variantFacts.map((f) => [tmbVariantFromFact(f), f] as const).filter((x): x is readonly [TmbVariant, Fact] => !!x[0]);
  const tmb = computeTmb(inputs.map(([v]) => v), options);
  const counted = new Set(tmb.variantKeys);
  const { display, ...attributes } = tmb;
  return {
    kind: TMB_FACT,
    patientKey,
    value: { type: 'quantity', quantity: { value: tmb.value, unit: 'mutations/Mb' } },
    attributes: { ...attributes, label: display },
    provenance: inputs.filter(([v]) => counted.has(v.id)).flatMap(([, f]) => f.provenance),
  };
}

export async function runGenomicsExportCommand(args: string[]): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args,
      allowPositionals: false,
      options: { patient: { type: 'string' }, out: { type: 'string' }, 'tmb-target-mb': { type: 'string' }, 'tmb-min-vaf': { type: 'string' }, 'tmb-min-depth': { type: 'string' } },
    }).values as Record<string, string | undefined>;
    if (!values.patient) throw new Error('expected --patient <Patient/id>');
    if (!values.out) throw new Error('expected --out <file.json>');
  } catch (e) {
    console.error(`oncoboard genomics-export: ${(e as Error).message}\nusage: oncoboard ${GENOMICS_EXPORT_USAGE}`);
    return 1;
  }
  const patientKey = values.patient as string;
  const out = resolve(values.out as string);
  if (!existsSync(dirname(out))) {
    console.error(`oncoboard genomics-export: --out ${values.out}: expected a file in an existing folder, found no folder ${dirname(out)}`);
    return 1;
  }
  const targetSizeMb = numberOption(values['tmb-target-mb'], 'tmb-target-mb');
  const minVaf = numberOption(values['tmb-min-vaf'], 'tmb-min-vaf');
  const minDepth = numberOption(values['tmb-min-depth'], 'tmb-min-depth');
  const store = await openStore({ databaseUrl: resolveDatabaseUrl() });
  try {
    if (!(await store.getPatient(patientKey))) {
      console.error(`oncoboard genomics-export: --patient ${patientKey}: no such patient in the store`);
      return 1;
    }
    let facts: Fact[] = await store.getFacts(patientKey, { kinds: [SOMATIC_VARIANT_FACT, ACTIONABILITY_EVIDENCE_FACT, TMB_FACT] });
    if (targetSizeMb !== undefined) {
      const tmb = tmbFactFromVariants(patientKey, facts.filter((f) => f.kind === SOMATIC_VARIANT_FACT), {
        targetSizeMb,
        ...(minVaf !== undefined ? { minVaf } : {}),
        ...(minDepth !== undefined ? { minDepth } : {}),
      });
      facts = [...facts.filter((f) => f.kind !== TMB_FACT), tmb];
    }
    const { bundle, counts } = exportGenomicReport(facts, { patientKey, genes: loadGeneTable() });
    writeFileSync(out, `${JSON.stringify(bundle, null, 2)}\n`);
    console.log(
      `wrote ${out}: 1 genomic report, ${counts.variants} variant(s), ${counts.therapeuticImplications} therapeutic implication(s)` +
        `${counts.tmb ? ', TMB' : ''}${counts.skippedEvidence ? ` (${counts.skippedEvidence} non-predictive or unlinked evidence item(s) not exported)` : ''}`,
    );
    return 0;
  } catch (e) {
    console.error(`oncoboard genomics-export: ${(e as Error).message}`);
    return 1;
  } finally {
    await store.close();
  }
}
