import { describe, expect, it } from 'vitest';
import { readSomaticVariants } from '../vcf/somatic-variants.js';
import { fixture } from '../vcf/test-files.js';
import { computeTmb, type TmbVariant } from './tmb.js';

const v = (id: string, over: Partial<TmbVariant> = {}): TmbVariant => ({
  id,
  variantType: 'snv',
  consequences: ['missense_variant'],
  filterStatus: 'pass',
  vaf: 0.3,
  depth: 100,
  ...over,
});

describe('tumor mutational burden', () => {
  const variants = [
    v('k1'),
    v('k2', { variantType: 'deletion', consequences: ['frameshift_variant'] }),
    v('k3', { consequences: ['synonymous_variant'] }),
    v('k4', { filterStatus: 'fail' }),
    v('k5', { vaf: 0.02 }),
    v('k6', { depth: 6 }),
    v('k7', { consequences: ['intron_variant'] }),
    v('k8', { variantType: 'rearrangement', consequences: ['missense_variant'] }),
    v('k9', { origin: 'germline' }),
    v('k10', { vaf: undefined }),
    v('k1'), // the same key twice counts once
  ];

  it('counts coding non-synonymous PASS variants above the declared VAF/depth, per declared Mb, citing the keys', () => {
    const t = computeTmb(variants, { targetSizeMb: 0.8 });
    expect(t.variantKeys).toEqual(['k1', 'k2']);
    expect(t.count).toBe(2);
    expect(t.value).toBe(2.5);
    expect(t.display).toBe('2.5 mut/Mb (2 mutations / 0.8 Mb)');
    expect(t.excluded).toEqual({ notPass: 1, germline: 1, notSmallVariant: 1, notCodingNonSynonymous: 2, belowMinVaf: 2, belowMinDepth: 1 });
    expect(t.definition).toContain('VAF ≥ 0.05 and depth ≥ 10');
  });

  it('counts synonymous changes only when asked, and honours other thresholds', () => {
    expect(computeTmb(variants, { targetSizeMb: 1, includeSynonymous: true }).variantKeys).toEqual(['k1', 'k2', 'k3']);
    expect(computeTmb(variants, { targetSizeMb: 1, minVaf: 0, minDepth: 0 }).variantKeys).toEqual(['k1', 'k2', 'k5', 'k6', 'k10']);
  });

  it('refuses a missing or impossible target size with what was expected', () => {
    expect(() => computeTmb(variants, { targetSizeMb: 0 })).toThrow(
      'TMB target size: expected the sequenced target in megabases (a number > 0 and ≤ 3300, e.g. 1.1 for a panel, 35 for an exome), found 0',
    );
    expect(() => computeTmb(variants, { targetSizeMb: Number.NaN })).toThrow(/found null$/);
  });

  it('on the PCGR breast-cancer VEP excerpt (real annotations)', async () => {
    const { variants: real } = await readSomaticVariants(fixture('pcgr-brca.vep.excerpt.vcf'), { assembly: 'GRCh37' });
    const t = computeTmb(real, { targetSizeMb: 1, minVaf: 0, minDepth: 0 });
    const expected = real.filter((x) => x.filterStatus === 'pass' && x.consequences.some((c) => ['missense_variant', 'stop_gained', 'frameshift_variant', 'inframe_deletion', 'inframe_insertion', 'stop_lost', 'start_lost', 'protein_altering_variant'].includes(c)));
    expect(t.count).toBe(new Set(expected.map((x) => x.id)).size);
    expect(t.count).toBeGreaterThan(0);
  });
});
