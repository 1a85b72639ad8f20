import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCivicKb, civicReleaseDate } from './build';
import { DEFAULT_KB_PATH, KbLoadError, loadKb, parseKb } from './load';

const FIXTURE = fileURLToPath(new URL('../../fixtures/civic/01-Aug-2021', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../../../shared/datasets/civic/01-Aug-2021', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'civic-kb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('buildCivicKb on the CIViC fixture subset (fixtures/civic, CC0)', () => {
  const first = buildCivicKb(FIXTURE, '01-Aug-2021');

  it('is deterministic: the same TSVs give the same bytes, and the version is source + date + content hash', () => {
    const second = buildCivicKb(FIXTURE, '01-Aug-2021');
    expect(second.text).toBe(first.text);
    const m = first.kb.meta;
    expect(m.source).toBe('CIViC');
    expect(m.sourceDate).toBe('2021-08-01');
    expect(m.version).toBe(`civic-2021-08-01+sha256.${m.contentSha256.slice(0, 12)}`);
    expect(m.counts).toEqual({ genes: 10, variants: 22, variantsParsed: 21, evidence: 400, assertions: 10, variantGroups: 26 });
    expect(parseKb(first.text).meta.version).toBe(m.version);
  });

  it('repairs the tab-joined assertion URL lists and the misdirected assertion, reporting each with its line', () => {
    const repaired = first.kb.meta.build.repairedLines.map((r) => `${r.file}:${r.line}`);
    expect(repaired).toEqual([
      '01-Aug-2021-AssertionSummaries.tsv:2',
      // (checked with: awk -F'\t' 'NF!=28{print NR, $1, $5}' on the fixture: V600E, CCND1 AMPLIFICATION, L858R,
      // ALK FUSIONS, V600K, KIAA1549-BRAF)
      '01-Aug-2021-VariantSummaries.tsv:5',
      '01-Aug-2021-VariantSummaries.tsv:8',
      '01-Aug-2021-VariantSummaries.tsv:9',
      '01-Aug-2021-VariantSummaries.tsv:18',
      '01-Aug-2021-VariantSummaries.tsv:20',
      '01-Aug-2021-VariantSummaries.tsv:21',
    ]);
    expect(first.kb.meta.build.repairedLines[1]!.reason).toBe(
      '32 fields for 28 columns: the 5 assertion URLs of the last column were tab-separated; joined with commas',
    );
    expect(first.kb.meta.build.repairedLines[0]!.reason).toBe(
      'assertion 2 (ERBB2 AMPLIFICATION): variant_id pointed at variant 18 (CCND1 AMPLIFICATION); re-pointed at variant 306, the one ERBB2 AMPLIFICATION',
    );
    const v600e = first.kb.variants.find((v) => v.civicVariantId === 12)!;
    expect(v600e.name).toBe('V600E');
    expect(first.kb.meta.build.rejectedLines).toEqual([]);
  });

  it('rejects rows with the wrong number of fields, names their lines, and keeps the good rows', () => {
    const dir = join(tmp, 'broken');
    cpSync(FIXTURE, dir, { recursive: true });
    const file = join(dir, '01-Aug-2021-ClinicalEvidenceSummaries.tsv');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[3] = lines[3]!.split('\t').slice(0, 20).join('\t'); // truncated row
    lines[5] = `${lines[5]}\textra\tfields`; // surplus fields that are not assertion URLs
    writeFileSync(file, lines.join('\n'));
    const { kb } = buildCivicKb(dir, '01-Aug-2021');
    expect(kb.meta.build.rejectedLines).toEqual([
      { file: '01-Aug-2021-ClinicalEvidenceSummaries.tsv', line: 4, reason: '20 fields, expected 41' },
      { file: '01-Aug-2021-ClinicalEvidenceSummaries.tsv', line: 6, reason: '43 fields, expected 41' },
    ]);
    expect(kb.meta.counts.evidence).toBe(398);
  });

  it('fails naming the file when one is missing, and the column when the header lacks one', () => {
    expect(() => buildCivicKb(join(tmp, 'nowhere'), '01-Aug-2021')).toThrow(/nowhere\/01-Aug-2021-ClinicalEvidenceSummaries\.tsv: cannot read the CIViC file \(ENOENT\)/);
    const dir = join(tmp, 'header');
    cpSync(FIXTURE, dir, { recursive: true });
    const file = join(dir, '01-Aug-2021-GeneSummaries.tsv');
    writeFileSync(file, readFileSync(file, 'utf8').replace('entrez_id', 'entrez'));
    expect(() => buildCivicKb(dir, '01-Aug-2021')).toThrow('01-Aug-2021-GeneSummaries.tsv: line 1: expected the columns entrez_id in the header, found gene_id, gene_civic_url, name, entrez, description, last_review_date');
    expect(() => civicReleaseDate('2021-08-01')).toThrow('release "2021-08-01": expected a CIViC release name like "01-Aug-2021"');
  });

  it('parses variant names into matchable form, and lists the ones it cannot read', () => {
    const byName = new Map(first.kb.variants.map((v) => [v.name, v]));
    expect(byName.get('V600')!.parsed).toMatchObject({ kind: 'protein-position', positions: [{ aa: 'V', pos: 600 }] });
    expect(byName.get('EXON 19 DELETION')!.parsed).toEqual({ kind: 'exon', region: 'exon', first: 19, last: 19, effect: 'deletion' });
    expect(byName.get('BCR-ABL T315I')!.parsed).toMatchObject({ kind: 'compound', parts: [{ kind: 'fusion', fivePrime: 'BCR', threePrime: 'ABL' }, { kind: 'protein-change' }] });
    expect(first.kb.meta.build.unparsedVariants).toEqual([
      { variantId: 729, gene: 'UGT1A1', name: 'UGT1A1*28', error: `"UGT1A1*28": at 7: expected '(', ':', '::' or '-', found "*28"` },
    ]);
  });

  it('derives exon positions from CIViC itself: its own c. range, or its coordinates through a point variant inside', () => {
    const byName = new Map(first.kb.variants.map((v) => [v.name, v]));
    expect(byName.get('EXON 19 DELETION')!.exonRange).toMatchObject({ cds: [2185, 2283], codons: [729, 761], derivedFrom: 'variant-hgvs', extent: 'within' });
    expect(byName.get('EXON 11 MUTATION')!.exonRange).toMatchObject({ cds: [1648, 1774], codons: [550, 592], derivedFrom: 'anchor', extent: 'within' });
    expect(byName.get('EXON 11 MUTATION')!.exonRange!.anchor).toBe('L576P (NC_000004.11:g.55593661T>C, ENST00000288135.5:c.1727T>C)');
    expect(byName.get('EXON 14 SKIPPING MUTATION')!.exonRange).toMatchObject({ derivedFrom: 'coordinates-only', extent: 'whole-exon' });
  });

  it('records citations, levels, therapies and AMP tiers', () => {
    const e = first.kb.evidence.find((x) => x.evidenceId === 1409)!;
    expect(e).toMatchObject({ gene: 'BRAF', variant: 'V600E', level: 'A', evidenceType: 'Predictive', direction: 'Supports', significance: 'Sensitivity/Response', therapies: ['Vemurafenib'] });
    expect(e.citation).toMatchObject({ source: 'PubMed', pubmedId: '21639808', url: 'https://pubmed.ncbi.nlm.nih.gov/21639808/' });
    expect(e.disease).toEqual({ name: 'Skin Melanoma', doid: 'DOID:8923' });
    const a = first.kb.assertions.find((x) => x.assertionId === 2)!;
    expect(a).toMatchObject({ civicVariantId: 306, ampCategory: 'Tier I - Level A', ampTier: 'I', ampLevel: 'A', fdaCompanionTest: true, evidenceIds: [528, 529, 1122] });
  });
});

describe('the committed KB (libs/genomics/kb)', () => {
  it('loads, with its content hash verified', () => {
    const kb = loadKb();
    expect(kb.meta.counts).toMatchObject({ variants: 1469, evidence: 3650, assertions: 18, genes: 439 });
    expect(kb.meta.version).toMatch(/^civic-2021-08-01\+sha256\.[0-9a-f]{12}$/);
  });

  it('refuses a file whose records were edited', () => {
    const text = readFileSync(DEFAULT_KB_PATH, 'utf8').replace('"level":"A"', '"level":"B"');
    expect(() => parseKb(text, 'edited.json')).toThrow(KbLoadError);
    expect(() => parseKb(text, 'edited.json')).toThrow(/^edited\.json: content sha256 [0-9a-f]{64} does not match meta\.contentSha256 [0-9a-f]{64}: the file was changed or truncated$/);
  });

  it.skipIf(!existsSync(SHARED))('is what a fresh build of the full release gives, byte for byte (needs ../shared/datasets)', () => {
    expect(buildCivicKb(SHARED, '01-Aug-2021').text).toBe(readFileSync(DEFAULT_KB_PATH, 'utf8'));
  });
});
