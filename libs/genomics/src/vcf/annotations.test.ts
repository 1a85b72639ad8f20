import { describe, expect, it } from 'vitest';
import { annotationLayouts, chooseAnnotation, readAnnotations, vepAlleleStrings } from './annotations.js';
import { parseHeaderText } from './header.js';
import { splitMultiallelic } from './normalize.js';
import { parseVcfRecord } from './record.js';

describe('VEP allele strings', () => {
  it('drops the first base only when every allele shares it', () => {
    expect(vepAlleleStrings('A', ['AT', 'ATT'])).toEqual(['T', 'TT']);
    expect(vepAlleleStrings('AT', ['A', 'ATT'])).toEqual(['-', 'TT']);
    expect(vepAlleleStrings('A', ['T', 'AT'])).toEqual(['T', 'AT']);
    expect(vepAlleleStrings('C', ['T'])).toEqual(['T']);
    expect(vepAlleleStrings('A', ['<DEL>'])).toEqual(['<DEL>']);
  });
});

describe('CSQ without ALLELE_NUM on a multi-allelic indel record, and ANN in cancer mode', () => {
  const header = parseHeaderText(
    'ann.vcf',
    [
      '##fileformat=VCFv4.2',
      '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSc|HGVSp|CANONICAL">',
      '##INFO=<ID=ANN,Number=.,Type=String,Description="Functional annotations: \'Allele | Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | CDS.pos / CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO\' ">',
      '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO',
    ].join('\n'),
  );
  const layouts = annotationLayouts(header);

  it('reads both field lists from the header', () => {
    expect(layouts.map((l) => [l.infoKey, l.source, l.fields.length])).toEqual([
      ['CSQ', 'vep-csq', 11],
      ['ANN', 'snpeff-ann', 16],
    ]);
    expect(layouts[1]?.fields.slice(0, 4)).toEqual(['Allele', 'Annotation', 'Annotation_Impact', 'Gene_Name']);
  });

  // REF AG, ALT A,AGT: VEP drops the shared first base, so its alleles are "-" and "GT".
  it('matches each ALT to its entries; VEP percent-escapes are decoded; the canonical transcript is chosen', () => {
    const csq = [
      '-|frameshift_variant|HIGH|EGFR|ENSG00000146648|Transcript|ENST00000275493|protein_coding|ENST00000275493.7:c.2236del|ENSP00000275493.2:p.Glu746LysfsTer8|YES',
      'GT|frameshift_variant|HIGH|EGFR|ENSG00000146648|Transcript|ENST00000275493|protein_coding|ENST00000275493.7:c.2236dup|ENSP00000275493.2:p.Glu746GlyfsTer2|YES',
      'GT|synonymous_variant|LOW|EGFR|ENSG00000146648|Transcript|ENST00000450046|protein_coding|ENST00000450046.1:c.100dup|ENSP00000413354.1:p.%3D|',
    ].join(',');
    const ann = 'AG|frameshift_variant|HIGH|EGFR|ENSG00000146648|transcript|ENST00000275493.7|protein_coding|19/28|c.2236dup|p.Glu746fs|||||,A-AG|frameshift_variant|HIGH|EGFR|ENSG00000146648|transcript|ENST00000275493.7|protein_coding|19/28|c.2236del|p.Glu746fs|||||';
    const rec = parseVcfRecord(header, `7\t55174771\t.\tAG\tA,AGT\t.\tPASS\tCSQ=${csq};ANN=${ann.replace('AG|', 'AGT|')}`, 5);
    const [del, ins] = splitMultiallelic(header, rec);
    const delAnn = readAnnotations(del!, layouts);
    expect(delAnn.map((a) => [a.source, a.hgvsc])).toEqual([
      ['vep-csq', 'ENST00000275493.7:c.2236del'],
      ['snpeff-ann', 'c.2236del'],
    ]);
    const insAnn = readAnnotations(ins!, layouts);
    expect(insAnn.filter((a) => a.source === 'vep-csq').map((a) => a.hgvsp)).toEqual(['ENSP00000275493.2:p.Glu746GlyfsTer2', 'ENSP00000413354.1:p.=']);
    expect(insAnn.find((a) => a.transcript === 'ENST00000450046')?.fields.HGVSp).toBe('ENSP00000413354.1:p.=');
    expect(chooseAnnotation(insAnn)?.transcript).toBe('ENST00000275493');
  });

  it('a VEP header without a Format list is an error naming the INFO line', () => {
    const bad = parseHeaderText('bad.vcf', ['##fileformat=VCFv4.2', '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP">', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO'].join('\n'));
    expect(() => annotationLayouts(bad)).toThrow('bad.vcf: ##INFO CSQ: expected "Format: Allele|Consequence|..." in the Description, found none');
  });
});
