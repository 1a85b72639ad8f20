// Fuzz targets of the text formats of the other modalities: somatic VCFs (libs/genomics), cohort CSVs
// (libs/fusion-model) and pathology report texts (libs/pathology: reading + extraction). Each reader throws its
// own error class whose message starts with the file name and names the line or place.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readSomaticVariants } from '../../../libs/genomics/src/vcf/somatic-variants';
import { VcfFormatError } from '../../../libs/genomics/src/vcf/errors';
import { CohortCsvError, readCohortCsv } from '../../../libs/fusion-model/src/cohort/cohort-csv';
import { SYNTHETIC_CLINICAL_MAPPING, syntheticClinicalCohortCsv } from '../../../libs/fusion-model/src/cohort/synthetic-clinical-cohort';
import { extractFindings } from '../../../libs/pathology/src/extract/extract-findings';
import { PathologyReportError, readReportFile } from '../../../libs/pathology/src/report-text';
import { judgeThrown, type FuzzSeed, type FuzzTarget } from '../fuzz-support';

const repoRoot = resolve(import.meta.dirname, '../../..');
const text = (relative: string): FuzzSeed => ({ name: relative, bytes: new Uint8Array(readFileSync(join(repoRoot, relative))) });

let scratch: string | undefined;
function scratchFile(fileName: string, bytes: Uint8Array): string {
  if (!scratch) {
    const dir = mkdtempSync(join(tmpdir(), 'oncoboard-fuzz-text-'));
    scratch = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const path = join(scratch, fileName);
  writeFileSync(path, bytes);
  return path;
}

const namedAtStart = (m: string, n: string) => m.startsWith(`${n}:`) || m.startsWith(`${n} `);

export const vcfTarget: FuzzTarget = {
  name: 'vcf',
  description: 'libs/genomics readSomaticVariants (VCF 4.1-4.4, annotations, samples, SVs; build configured)',
  fileName: 'fuzz-input.vcf',
  seeds: () =>
    ['colon1-sample.first40.vcf', 'pcgr-brca.vep.excerpt.vcf', 'mutect2-somatic.synthetic.vcf', 'strelka2-somatic.snvs.synthetic.vcf', 'varscan-somatic.synthetic.vcf', 'manta-somatic.synthetic.vcf'].map(
      (f) => text(`libs/genomics/fixtures/vcf/${f}`),
    ),
  async parse(input, fileName) {
    const { variants } = await readSomaticVariants(scratchFile(fileName, input), { filter: 'all' });
    return { parsed: true, allocatedBytes: variants.length * 256 };
  },
  judge: (error, fileName) => judgeThrown(error, fileName, { errorClass: VcfFormatError, namedIn: namedAtStart }),
};

export const cohortCsvTarget: FuzzTarget = {
  name: 'cohort-csv',
  description: 'libs/fusion-model readCohortCsv (a cohort CSV with its column mapping)',
  fileName: 'fuzz-input.csv',
  seeds: () => [{ name: 'synthetic clinical cohort (40 rows)', bytes: new TextEncoder().encode(syntheticClinicalCohortCsv(40, 7).csv) }],
  parse(input, fileName) {
    const cohort = readCohortCsv(new TextDecoder().decode(input), fileName, SYNTHETIC_CLINICAL_MAPPING);
    return { parsed: true, allocatedBytes: cohort.patients.length * 512 };
  },
  judge: (error, fileName) => judgeThrown(error, fileName, { errorClass: CohortCsvError, namedIn: (m, n) => m.includes(n) }),
};

export const reportTextTarget: FuzzTarget = {
  name: 'report-text',
  description: 'libs/pathology readReportFile + extractFindings (a plain-text pathology report)',
  fileName: 'fuzz-input.txt',
  seeds: () => ['breast-core-biopsy.txt', 'breast-her2-addendum.txt', 'colon-resection.txt', 'lung-adenocarcinoma.txt'].map((f) => text(`libs/pathology/fixtures/${f}`)),
  async parse(input, fileName) {
    const document = await readReportFile(scratchFile(fileName, input));
    let findings = 0;
    for (const t of document.texts) findings += extractFindings(t.text).findings.length;
    return { parsed: true, allocatedBytes: findings * 256 };
  },
  judge: (error, fileName) => judgeThrown(error, fileName, { errorClass: PathologyReportError, namedIn: (m, n) => m.includes(n) }),
};
