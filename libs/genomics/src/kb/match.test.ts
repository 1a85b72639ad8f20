import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_GENE_TABLE, parseGeneTable } from '../genes/gene-table';
import { loadKb } from './load';
import { KbMatcher, describeEvidenceMatch, type EvidenceMatch, type MatchableVariant, type PatientCancerContext } from './match';

// The committed KB built from the whole CIViC 01-Aug-2021 release (libs/genomics/kb), as the product uses it.
const kb = loadKb();
const matcher = new KbMatcher(kb);
const match = (variants: MatchableVariant[], cancer?: PatientCancerContext) => matcher.matchPatient(variants, cancer ? { cancer } : {});
const names = (ms: EvidenceMatch[]) => [...new Set(ms.map((m) => `${m.civicVariant.name} (${m.matchedBy})`))].sort();
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
const SNOMED = 'http://snomed.info/sct';

function expectRanked(ms: EvidenceMatch[]): void {
  // on-label before other-disease; within each, level A..E
  const onLabel = ms.map((m) => m.disease.onLabel);
  expect(onLabel).toEqual([...onLabel].sort((a, b) => Number(b) - Number(a)));
  for (const group of [ms.filter((m) => m.disease.onLabel), ms.filter((m) => !m.disease.onLabel)]) {
    const levels = group.map((m) => m.level);
    expect(levels).toEqual([...levels].sort());
  }
}

describe('KbMatcher.matchPatient', () => {
  it('BRAF V600E in melanoma: level A vemurafenib and dabrafenib evidence on-label first, each cited and versioned', () => {
    const r = match([{ ref: 'GRCh37:7:140453136:A>T', geneSymbol: 'BRAF', entrezId: 673, hgvsp: 'ENSP00000288602.6:p.Val600Glu', kind: 'snv' }], { codings: [{ system: ICD10, code: 'C43.9' }] });
    expect(r.patientDiseases).toEqual([{ input: `${ICD10}|C43.9`, doid: 'DOID:8923', name: 'Skin Melanoma' }]);
    const top = r.evidence[0]!;
    expect(top).toMatchObject({ level: 'A', evidenceType: 'Predictive', significance: 'Sensitivity/Response', disease: { onLabel: true }, variantRefs: ['GRCh37:7:140453136:A>T'] });
    const levelAOnLabel = r.evidence.filter((m) => m.level === 'A' && m.disease.onLabel);
    const therapies = new Set(levelAOnLabel.flatMap((m) => m.therapies));
    expect(therapies.has('Vemurafenib')).toBe(true);
    expect(therapies.has('Dabrafenib')).toBe(true);
    expect(r.evidence.every((m) => m.kb.version === kb.meta.version && m.kb.sourceDate === '2021-08-01')).toBe(true);
    const eid1409 = r.evidence.find((m) => m.evidenceId === 1409)!;
    expect(eid1409).toMatchObject({ matchedBy: 'exact-protein', citation: { pubmedId: '21639808' }, disease: { relation: 'same' } });
    expect(eid1409.why).toBe('p.V600E is CIViC\'s "V600E" (same protein change)');
    expect(describeEvidenceMatch(eid1409)).toBe(
      `BRAF V600E — level A predictive evidence, supports sensitivity/response to Vemurafenib in Skin Melanoma [CIViC EID1409, PMID 21639808; KB ${kb.meta.version}]`,
    );
    expect(names(r.evidence)).toEqual(['MUTATION (gene-category)', 'V600 (codon)', 'V600E (exact-protein)']);
    expectRanked(r.evidence);
    expect(r.assertions.filter((a) => a.disease.onLabel).map((a) => [a.assertionId, a.ampCategory])).toEqual([
      [7, 'Tier I - Level A'],
      [10, 'Tier I - Level A'],
    ]);
  });

  it('EGFR exon 19 deletion in lung adenocarcinoma: p.E746_A750del, c.2235_2249del alone, or the GRCh37 allele alone', () => {
    const cancer = { names: ['lung adenocarcinoma'] };
    const byProtein = match([{ geneSymbol: 'EGFR', hgvsp: 'p.E746_A750del', hgvsc: 'c.2235_2249del', kind: 'indel' }], cancer);
    expect(names(byProtein.evidence)).toEqual(['E746_A750del (exact-protein)', 'EXON 19 DELETION (exon)', 'MUTATION (gene-category)']);
    const exon = byProtein.evidence.find((m) => m.civicVariant.name === 'EXON 19 DELETION')!;
    expect(exon.why).toBe(
      `p.E746_A750del lies in exon 19 (codons 729–761 on ENST00000275493.2, from CIViC's HGVS for EXON 19 DELETION): CIViC's "EXON 19 DELETION"`,
    );
    expect(byProtein.evidence[0]).toMatchObject({ level: 'A', disease: { onLabel: true, relation: 'broader', name: 'Lung Non-small Cell Carcinoma' } });
    expectRanked(byProtein.evidence);

    const byCoding = match([{ geneSymbol: 'EGFR', hgvsc: 'NM_005228.4:c.2235_2249del', kind: 'indel' }], cancer);
    expect(names(byCoding.evidence)).toEqual(['EXON 19 DELETION (exon)']);
    const byGenomic = match([{ geneSymbol: 'EGFR', genomic: { assembly: 'GRCh37', chrom: '7', pos: 55242464, ref: 'AGGAATTAAGAGAAGC', alt: 'A' }, kind: 'indel' }], cancer);
    expect(names(byGenomic.evidence)).toEqual(['E746_A750del (exact-genomic)', 'EXON 19 DELETION (exon)']);
  });

  it('exon 19 deletion does not take a frameshift in exon 19, a deletion in exon 20, or L858R', () => {
    const exon19 = (v: MatchableVariant) => match([v]).evidence.filter((m) => m.civicVariant.name === 'EXON 19 DELETION');
    expect(exon19({ geneSymbol: 'EGFR', hgvsc: 'c.2235_2236del', kind: 'indel' })).toEqual([]);
    expect(exon19({ geneSymbol: 'EGFR', hgvsp: 'p.E746fs', kind: 'indel' })).toEqual([]);
    expect(exon19({ geneSymbol: 'EGFR', hgvsp: 'p.A767_V769del', kind: 'indel' })).toEqual([]);
    expect(exon19({ geneSymbol: 'EGFR', hgvsp: 'p.L858R', kind: 'snv' })).toEqual([]);
    // a delins that loses residues is an exon 19 deletion (L747_P753delinsS)
    expect(exon19({ geneSymbol: 'EGFR', hgvsp: 'p.Leu747_Pro753delinsSer', kind: 'indel' }).length).toBeGreaterThan(0);
  });

  it('EGFR exon 20 insertion: an in-frame duplication in the insertion region', () => {
    const r = match([{ geneSymbol: 'EGFR', hgvsp: 'p.A767_V769dup', kind: 'indel' }], { names: ['NSCLC'] });
    expect(names(r.evidence)).toEqual(['A767_V769dupASV (exact-protein)', 'EXON 20 INSERTION (exon)', 'MUTATION (gene-category)']);
  });

  it('exon ranges CIViC gives only by coordinates: KIT exon 11 via a point variant inside it; MET exon 14 skipping by GRCh37 position', () => {
    const kit = match([{ geneSymbol: 'KIT', hgvsp: 'p.Trp557_Lys558del', kind: 'indel' }], { names: ['GIST'] });
    expect(names(kit.evidence)).toEqual(['EXON 11 MUTATION (exon)', 'MUTATION (gene-category)', 'W557_K558DELWK (exact-protein)']);
    const met = (assembly: 'GRCh37' | 'GRCh38', pos: number) =>
      names(match([{ geneSymbol: 'MET', genomic: { assembly, chrom: '7', pos, ref: 'G', alt: 'T' }, consequence: 'splice_donor_variant', hgvsc: 'c.3028+1G>T', kind: 'snv' }]).evidence);
    expect(met('GRCh37', 116412044)).toEqual(['EXON 14 SKIPPING MUTATION (exon)', 'MUTATION (gene-category)']);
    // GRCh38: no liftover here, and CIViC gives MET exon 14 no c. range, so only the gene-level category
    expect(met('GRCh38', 116771990)).toEqual(['MUTATION (gene-category)']);
  });

  it('KRAS G12C in lung cancer: the exact change, its codon categories, exon 2 and KRAS mutation', () => {
    const r = match([{ geneSymbol: 'KRAS', hgvsp: 'p.Gly12Cys', kind: 'snv' }], { codings: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C34.1' }] });
    expect(names(r.evidence)).toEqual(['EXON 2 MUTATION (exon)', 'G12 (codon)', 'G12/G13 (codon)', 'G12C (exact-protein)', 'MUTATION (gene-category)']);
    expect(r.evidence.filter((m) => m.civicVariant.name === 'G12C').every((m) => m.citation.pubmedId || m.citation.ascoAbstractId)).toBe(true);
    // G12D evidence is not G12C evidence
    expect(r.evidence.some((m) => m.civicVariant.name === 'G12D')).toBe(false);
    expectRanked(r.evidence);
  });

  it('ERBB2 amplification in breast cancer: level A trastuzumab on-label (HER2-positive subtype) and the Tier I assertion', () => {
    const r = match([{ geneSymbol: 'ERBB2', kind: 'cnv-amplification' }], { codings: [{ system: ICD10, code: 'C50.911' }] });
    expect(names(r.evidence)).toEqual(['AMPLIFICATION (gene-category)']);
    expect(r.evidence[0]).toMatchObject({ level: 'A', disease: { name: 'Her2-receptor Positive Breast Cancer', relation: 'subtype', onLabel: true } });
    expect(r.evidence.filter((m) => m.level === 'A').flatMap((m) => m.therapies)).toContain('Trastuzumab');
    expect(r.assertions.map((a) => [a.assertionId, a.ampCategory, a.disease.onLabel])).toEqual([[2, 'Tier I - Level A', true]]);
    // an ERBB2 point mutation is not an amplification
    expect(match([{ geneSymbol: 'ERBB2', hgvsp: 'p.S310F', kind: 'snv' }]).evidence.some((m) => m.civicVariant.name === 'AMPLIFICATION')).toBe(false);
  });

  it('EML4-ALK fusion in NSCLC: either order matches EML4-ALK and ALK FUSIONS; a named breakpoint needs breakpoint data', () => {
    const cancer = { codings: [{ system: SNOMED, code: '254637007' }] };
    const a = match([{ geneSymbol: 'ALK', fusionPartner: 'EML4', kind: 'fusion' }], cancer);
    const b = match([{ geneSymbol: 'EML4', fusionPartner: 'ALK', kind: 'fusion', fusionRole: "5'" }], cancer);
    expect(names(a.evidence)).toEqual(['ALK FUSIONS (fusion)', 'EML4-ALK (fusion)']);
    expect(names(b.evidence)).toEqual(names(a.evidence));
    expect(b.evidence.find((m) => m.civicVariant.name === 'EML4-ALK')!.why).toBe(`the EML4–ALK fusion joins the genes of CIViC's "EML4-ALK" (same orientation)`);
    expect(a.evidence[0]).toMatchObject({ level: 'A', disease: { onLabel: true } });
    expect(a.assertions.map((x) => x.ampCategory)).toEqual(['Tier I - Level A', 'Tier I - Level A']);
    // partner unknown: only the any-partner evidence
    expect(names(match([{ geneSymbol: 'ALK', kind: 'fusion' }], cancer).evidence)).toEqual(['ALK FUSIONS (fusion)']);
    // another partner: not EML4-ALK
    expect(names(match([{ geneSymbol: 'ALK', fusionPartner: 'KIF5B', kind: 'fusion' }], cancer).evidence)).toEqual(['ALK FUSIONS (fusion)']);
  });

  it("a fusion partner CIViC names by an alias (NPM in NPM-ALK) matches through the gene table's resolver, not by guessing", () => {
    // the committed gene table (genes/), cut to the rows that can answer for NPM / NPM1 / ALK (every gene carrying
    // one of them as symbol or alias, so ambiguity is kept): the real rows and parser, without 77,614 genes' load time
    const text = gunzipSync(readFileSync(DEFAULT_GENE_TABLE)).toString('utf8');
    const wanted = new Set(['NPM', 'NPM1', 'ALK']);
    const genes = parseGeneTable(
      text
        .split('\n')
        .filter((l, i) => l.startsWith('#') || i < 3 || [l.split('\t')[1] ?? '', ...(l.split('\t')[7] ?? '').split(';')].some((x) => wanted.has(x.toUpperCase())))
        .join('\n'),
    );
    const npm1 = [{ geneSymbol: 'ALK', fusionPartner: 'NPM1', kind: 'fusion' as const }];
    const cancer = { names: ['anaplastic large cell lymphoma'] };
    expect(matcher.matchPatient(npm1, { cancer }).evidence.some((m) => m.civicVariant.name === 'NPM-ALK')).toBe(false);
    const resolved = matcher.matchPatient(npm1, { cancer, resolveGeneSymbol: (s) => genes.find(s)?.symbol });
    expect(names(resolved.evidence)).toEqual(['ALK FUSIONS (fusion)', 'NPM-ALK (fusion)']);
  });

  it('Synthea prostate and colon codes: read, with the assumption said', () => {
    const r = match([{ geneSymbol: 'BRCA2', kind: 'cnv-deletion' }], {
      codings: [
        { system: SNOMED, code: '126906006', display: 'Neoplasm of prostate' },
        { system: SNOMED, code: '109838007', display: 'Overlapping malignant neoplasm of colon' },
      ],
    });
    expect(r.patientDiseases).toEqual([
      {
        input: `${SNOMED}|126906006 (Neoplasm of prostate)`,
        doid: 'DOID:10283',
        name: 'Prostate Cancer',
        note: "'Neoplasm of prostate' does not state malignancy; read as prostate cancer, as Synthea's prostate cancer module uses it",
      },
      { input: `${SNOMED}|109838007 (Overlapping malignant neoplasm of colon)`, doid: 'DOID:219', name: 'Colon Cancer' },
    ]);
  });

  it('compounds need every part: V600E and amplification; BCR-ABL T315I', () => {
    const both = match([
      { ref: 'snv', geneSymbol: 'BRAF', hgvsp: 'p.V600E', kind: 'snv' },
      { ref: 'cnv', geneSymbol: 'BRAF', kind: 'cnv-amplification' },
    ]);
    const compound = both.evidence.filter((m) => m.matchedBy === 'compound');
    expect([...new Set(compound.map((m) => m.civicVariant.name))].sort()).toEqual(['V600E and AMPLIFICATION', 'V600E/K and AMPLIFICATION']);
    expect(compound[0]!.variantRefs).toEqual(['cnv', 'snv']);
    expect(match([{ geneSymbol: 'BRAF', hgvsp: 'p.V600E', kind: 'snv' }]).evidence.some((m) => m.matchedBy === 'compound')).toBe(false);

    const cml = match(
      [
        { ref: 'fusion', geneSymbol: 'ABL1', fusionPartner: 'BCR', kind: 'fusion' },
        { ref: 'kd', geneSymbol: 'ABL1', hgvsp: 'p.Thr315Ile', kind: 'snv' },
      ],
      { names: ['chronic myeloid leukemia'] },
    );
    expect(names(cml.evidence)).toEqual(['BCR-ABL (fusion)', 'BCR-ABL T315I (compound)']);
    expect(cml.evidence.filter((m) => m.civicVariant.name === 'BCR-ABL T315I').flatMap((m) => m.therapies)).toContain('Ponatinib');
  });

  it('returns nothing for a variant with no evidence, a synonymous change, or an unknown gene — never made up', () => {
    const r = match(
      [
        { geneSymbol: 'TTN', hgvsp: 'p.A100T', kind: 'snv' },
        { geneSymbol: 'BRAF', hgvsp: 'p.V600=', kind: 'snv', consequence: 'synonymous_variant' },
        { geneSymbol: 'BRAF', hgvsc: 'c.1799+10A>G', kind: 'snv', consequence: 'intron_variant' },
        { geneSymbol: 'NOTAGENE', kind: 'cnv-amplification' },
      ],
      { names: ['melanoma'] },
    );
    expect(r.evidence).toEqual([]);
    expect(r.assertions).toEqual([]);
  });

  it('says how it read the patient\'s cancer, and leaves out what is not a diagnosis', () => {
    const r = match([{ geneSymbol: 'EGFR', hgvsp: 'p.L858R', kind: 'snv' }], {
      codings: [
        { system: SNOMED, code: '162573006', display: 'Suspected lung cancer (situation)' },
        { system: 'http://loinc.org', code: '1234-5' },
      ],
    });
    expect(r.patientDiseases).toEqual([
      { input: `${SNOMED}|162573006 (Suspected lung cancer (situation))`, note: 'not a cancer diagnosis (suspected or in situ)' },
      { input: 'http://loinc.org|1234-5', note: 'code system not used for cancer types' },
    ]);
    // no disease known: nothing is on-label, ranking by level
    expect(r.evidence.every((m) => m.disease.relation === 'unknown' && !m.disease.onLabel)).toBe(true);
    expect(r.evidence[0]!.level).toBe('A');
  });

  it("CIViC against itself: 471 of the 486 protein-change variants with an NP_ p. expression match their own evidence from it", () => {
    // the 15 misses are disagreements inside CIViC (another transcript's numbering: FGFR3 Y375C vs p.Tyr373Cys;
    // names vs expressions: D770_N771insGL vs p.Cys770_Gly771insGlyLeu; "p.cTrp117..."), an expression less precise
    // than the name (E55RfsTer11 vs p.Glu55fs), or "p.0" for M1?: none is matched by guessing
    let total = 0;
    let matched = 0;
    for (const v of kb.variants) {
      if (!v.parsed || (v.parsed.kind !== 'protein-change' && v.parsed.kind !== 'hgvs')) continue;
      const hgvsp = v.hgvsExpressions.find((x) => /^NP_\d+\.\d+:p\./.test(x));
      if (!hgvsp) continue;
      total++;
      const hasEvidence = kb.evidence.some((e) => e.civicVariantId === v.civicVariantId);
      const r = matcher.matchPatient([{ geneSymbol: v.gene, entrezId: v.entrezId, hgvsp, kind: 'snv' }]);
      if (!hasEvidence || r.evidence.some((e) => e.civicVariant.id === v.civicVariantId)) matched++;
    }
    expect([matched, total]).toEqual([471, 486]);
  });

  it('reports hgvsp/hgvsc it cannot read instead of guessing', () => {
    const r = match([{ ref: 'x', geneSymbol: 'BRAF', hgvsp: 'p.Val600Glq', hgvsc: 'c.1799T>', kind: 'snv', consequence: 'missense_variant' }]);
    expect(r.warnings).toEqual([
      'x: hgvsp "p.Val600Glq" is not a protein change this parser reads; matched without it',
      `x: hgvsc not read: "c.1799T>": at 9: expected a nucleotide, found the end`,
    ]);
    // still a protein-altering change of BRAF by its consequence: the gene-level category only
    expect(names(r.evidence)).toEqual(['MUTATION (gene-category)']);
  });
});
