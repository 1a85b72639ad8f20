import { describe, expect, it } from 'vitest';
import { loadGeneTable, parseGeneTable, type Gene } from './gene-table.js';

const table = loadGeneTable();

describe('the committed gene table (org.Hs.eg.db, Entrez Gene 2022-09-12)', () => {
  it('holds every Entrez human gene and states its source', () => {
    expect(table.size).toBe(77614);
    expect(table.source[0]).toBe('OncoBoard gene table from Bioconductor org.Hs.eg.db (Debian r-bioc-org.hs.eg.db), licence Artistic-2.0');
  });

  it("'HER2' and 'ERBB2' are one gene, by symbol, alias, Entrez and Ensembl, in any case", () => {
    const erbb2 = table.find('ERBB2') as Gene;
    expect(erbb2).toMatchObject({ entrez: '2064', symbol: 'ERBB2', type: 'protein-coding', chromosomes: ['17'], cytoband: '17q12', ensembl: ['ENSG00000141736'] });
    expect(erbb2.aliases).toContain('HER2');
    for (const q of ['HER2', 'her2', ' Erbb2 ', '2064', 'NCBIGene:2064', 'ENSG00000141736', 'ENSG00000141736.14', 'HER-2/neu']) {
      expect(table.find(q), q).toBe(erbb2);
    }
    expect(table.resolve('HER2')).toMatchObject({ status: 'found', matchedBy: 'alias' });
    expect(table.resolve('ERBB2')).toMatchObject({ status: 'found', matchedBy: 'symbol' });
    expect(table.sameGene('HER2', 'ERBB2')).toBe(true);
    expect(table.sameGene('HER2', 'EGFR')).toBe(false);
  });

  it('an alias shared by several genes is ambiguous, with its candidates', () => {
    const neu = table.resolve('NEU');
    expect(neu.status).toBe('ambiguous');
    if (neu.status !== 'ambiguous') return;
    expect(neu.candidates.map((g) => g.symbol).sort()).toEqual(['ERBB2', 'NEU1', 'NEURL1']);
    expect(table.find('NEU')).toBeUndefined();
  });

  it('an official symbol wins over another gene’s alias; phenotype-only records do not make a symbol ambiguous', () => {
    // "p53" is only an alias (TP53); "ALK" is a symbol even if some other gene lists ALK as an alias.
    expect(table.find('p53')?.symbol).toBe('TP53');
    expect(table.resolve('ALK')).toMatchObject({ status: 'found', matchedBy: 'symbol', gene: { entrez: '238' } });
    expect(table.resolve('HBD')).toMatchObject({ status: 'found', gene: { entrez: '3045', type: 'protein-coding' } });
    expect(table.resolve('TRNAL-CAG').status).toBe('ambiguous');
  });

  it('oncology genes the knowledge base needs resolve', () => {
    for (const [q, sym] of [
      ['BRAF', 'BRAF'],
      ['KRAS', 'KRAS'],
      ['EGFR', 'EGFR'],
      ['ERBB1', 'EGFR'],
      ['PIK3CA', 'PIK3CA'],
      ['BCR', 'BCR'],
      ['ABL1', 'ABL1'],
      ['EML4', 'EML4'],
      ['NTRK1', 'NTRK1'],
      ['MLL', 'KMT2A'],
      ['C-KIT', 'KIT'],
      ['RUNX1', 'RUNX1'],
      ['RUNx1', 'RUNX1'],
    ] as const) {
      expect(table.find(q)?.symbol, q).toBe(sym);
    }
  });

  it('unknown names and HGNC ids say why they were not found', () => {
    expect(table.resolve('NOTAGENE1')).toEqual({ status: 'not-found', query: 'NOTAGENE1', reason: 'no gene has this symbol, alias or id' });
    expect(table.resolve('HGNC:3430')).toEqual({ status: 'not-found', query: 'HGNC:3430', reason: 'HGNC ids are not in the gene table (org.Hs.eg.db carries none): resolve by symbol' });
    expect(table.resolve('999999999')).toEqual({ status: 'not-found', query: '999999999', reason: 'no gene with Entrez id 999999999' });
  });
});

describe('parseGeneTable', () => {
  it('checks the header and each row', () => {
    expect(() => parseGeneTable('entrez\tsymbol\n', 'g.tsv')).toThrow('g.tsv:1: header: expected columns entrez, symbol, name, type, chromosome, cytoband, ensembl, aliases, found entrez, symbol');
    const head = 'entrez\tsymbol\tname\ttype\tchromosome\tcytoband\tensembl\taliases\n';
    expect(() => parseGeneTable(`${head}x\tA\tn\tt\t1\t1p\t\t\n`, 'g.tsv')).toThrow('g.tsv:2: entrez: expected a number, found "x"');
    const t = parseGeneTable(`# test\n${head}1\tA1BG\talpha\tprotein-coding\t19\t19q13.43\tENSG00000121410\tA1B;ABG\n`);
    expect(t.source).toEqual(['test']);
    expect(t.find('abg')?.symbol).toBe('A1BG');
  });
});
