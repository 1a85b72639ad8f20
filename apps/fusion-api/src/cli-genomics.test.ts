import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { formatOutcome, hasErrors, validateResource } from '@oncoboard/ehr-fhir';
import { importFhirPath, importVcf } from '@oncoboard/ingest';
import { openStore } from '@oncoboard/store';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runGenomicsExportCommand } from './cli-genomics';
import { repoRoot } from './test-support/cli-workspace';

// `oncoboard genomics-export` on a real SQLite store: the demo breast-cancer patient with the PCGR VEP excerpt
// (libs/genomics/fixtures/vcf, MIT) imported and matched to the committed CIViC KB.
const JENNY = 'Patient/cancer-patient-jenny-m';
let work: string;
const saved = process.env.DATABASE_URL;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-cli-genomics-'));
  process.env.DATABASE_URL = `file:${join(work, 'g.db')}`;
  const store = await openStore({ databaseUrl: process.env.DATABASE_URL });
  try {
    await importFhirPath(join(repoRoot, 'demo', 'mcode-stu4'), { store });
    await importVcf(join(repoRoot, 'libs/genomics/fixtures/vcf/pcgr-brca.vep.excerpt.vcf'), { patientKey: JENNY, assembly: 'GRCh37' }, { store });
  } finally {
    await store.close();
  }
}, 120_000);
afterAll(() => {
  process.env.DATABASE_URL = saved;
  rmSync(work, { recursive: true, force: true });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((m: string) => void out.push(m));
  const error = vi.spyOn(console, 'error').mockImplementation((m: string) => void err.push(m));
  return { out, err, restore: () => (log.mockRestore(), error.mockRestore()) };
}

describe('oncoboard genomics-export', () => {
  it('writes a Genomics Reporting bundle, valid R4, with the TMB over the declared target', async () => {
    const file = join(work, 'jenny-genomics.json');
    const io = capture();
    const code = await runGenomicsExportCommand(['--patient', JENNY, '--out', file, '--tmb-target-mb', '1.5', '--tmb-min-vaf', '0', '--tmb-min-depth', '0']).finally(io.restore);
    expect(io.err).toEqual([]);
    expect(code).toBe(0);
    expect(io.out[0]).toMatch(new RegExp(`^wrote ${file.replace(/[.]/g, '\\.')}: 1 genomic report, 14 variant\\(s\\), \\d+ therapeutic implication\\(s\\), TMB`));
    const bundle = JSON.parse(readFileSync(file, 'utf8'));
    const resources = bundle.entry.map((e: { resource: Resource }) => e.resource) as (Resource & { meta: { profile: string[] }; [k: string]: any })[];
    const profile = (p: string) => resources.filter((r) => r.meta.profile[0]!.endsWith(`/${p}`));
    expect(profile('genomic-report')).toHaveLength(1);
    expect(profile('variant')).toHaveLength(14);
    const pik3ca = profile('variant').find((r) => r.component.some((c: any) => c.code.coding[0].code === '48018-6' && c.valueCodeableConcept.text === 'PIK3CA'))!;
    // The gene table gives the NCBI Gene id.
    expect(pik3ca.component.find((c: any) => c.code.coding[0].code === '48018-6').valueCodeableConcept.coding[0]).toEqual({ system: 'http://www.ncbi.nlm.nih.gov/gene', code: '5290', display: 'PIK3CA' });
    const implications = profile('therapeutic-implication');
    expect(implications.length).toBeGreaterThan(0);
    expect(implications.every((r) => r.derivedFrom.length > 0 && /\[CIViC EID\d+, /.test(r.note[0].text))).toBe(true);
    const tmb = profile('tmb')[0]!;
    expect(tmb.note[0].text).toMatch(/ mut\/Mb \(\d+ mutations? \/ 1\.5 Mb\); target 1\.5 Mb; /);
    for (const r of resources) {
      const outcome = validateResource(r, { file: 'jenny-genomics.json', place: r.id ?? '' });
      expect(hasErrors(outcome), formatOutcome(outcome)).toBe(false);
    }
  }, 120_000);

  it('names what was expected for bad options and unknown patients', async () => {
    const io = capture();
    try {
      expect(await runGenomicsExportCommand(['--patient', JENNY])).toBe(1);
      expect(await runGenomicsExportCommand(['--patient', 'Patient/nobody', '--out', join(work, 'x.json')])).toBe(1);
      expect(await runGenomicsExportCommand(['--patient', JENNY, '--out', join(work, 'no-such-dir', 'x.json')])).toBe(1);
      expect(await runGenomicsExportCommand(['--patient', JENNY, '--out', join(work, 'y.json'), '--tmb-target-mb', '0'])).toBe(1);
    } finally {
      io.restore();
    }
    expect(io.err[0]).toMatch(/^oncoboard genomics-export: expected --out <file\.json>\nusage: oncoboard genomics-export /);
    expect(io.err[1]).toBe('oncoboard genomics-export: --patient Patient/nobody: no such patient in the store');
    expect(io.err[2]).toMatch(/^oncoboard genomics-export: --out .*x\.json: expected a file in an existing folder, found no folder /);
    expect(io.err[3]).toBe('oncoboard genomics-export: TMB target size: expected the sequenced target in megabases (a number > 0 and ≤ 3300, e.g. 1.1 for a panel, 35 for an exome), found 0');
  }, 60_000);
});
