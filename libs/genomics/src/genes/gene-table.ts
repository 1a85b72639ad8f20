/**
 * Human genes by symbol, alias, Entrez id and Ensembl gene id, from the committed table
 * fixtures/genes/genes.tsv.gz (built from Bioconductor org.Hs.eg.db, Entrez Gene 2022-09-12; see its README).
 * 'HER2', 'her2', 'ERBB2', '2064', 'NCBIGene:2064' and 'ENSG00000141736' all resolve to ERBB2.
 *
 * Resolution order: official symbol, then Entrez/Ensembl ids, then aliases (previous symbols and synonyms).
 * An alias that several genes carry ('NEU' is ERBB2 and NEU1) is reported as ambiguous with its candidates,
 * never guessed. HGNC ids (HGNC:3430) are not in org.Hs.eg.db, so they cannot be resolved from this table: such a
 * query answers `not-found` with that reason (resolve by the accompanying symbol instead).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export interface Gene {
  /** NCBI Entrez Gene id, e.g. "2064". */
  entrez: string;
  /** Official symbol (HGNC-approved for human genes), e.g. "ERBB2". */
  symbol: string;
  name: string;
  /** NCBI gene type: protein-coding, ncRNA, pseudo, tRNA, unknown... */
  type: string;
  /** Chromosome(s), e.g. ["17"]; several for genes on X and Y. */
  chromosomes: string[];
  cytoband?: string;
  /** Ensembl gene ids (ENSG...), possibly several. */
  ensembl: string[];
  /** Other symbols and synonyms, e.g. ["HER2", "NEU", ...]. */
  aliases: string[];
}

export type GeneResolution =
  | { status: 'found'; gene: Gene; matchedBy: 'symbol' | 'entrez' | 'ensembl' | 'alias'; query: string }
  | { status: 'ambiguous'; candidates: Gene[]; matchedBy: 'symbol' | 'alias'; query: string }
  | { status: 'not-found'; query: string; reason: string };

export const DEFAULT_GENE_TABLE = resolvePath(dirname(fileURLToPath(import.meta.url)), '../../fixtures/genes/genes.tsv.gz');

const EXPECTED_COLUMNS = ['entrez', 'symbol', 'name', 'type', 'chromosome', 'cytoband', 'ensembl', 'aliases'];

export class GeneTable {
  private readonly byEntrez = new Map<string, Gene>();
  private readonly bySymbol = new Map<string, Gene[]>();
  private readonly byEnsembl = new Map<string, Gene[]>();
  private readonly byAlias = new Map<string, Gene[]>();
  /** The "#" lines of the table: where it came from. */
  readonly source: string[];

  constructor(genes: Gene[], source: string[] = []) {
    this.source = source;
    const add = (m: Map<string, Gene[]>, k: string, g: Gene) => {
      const list = m.get(k);
      if (!list) m.set(k, [g]);
      else if (!list.includes(g)) list.push(g);
    };
    for (const g of genes) {
      this.byEntrez.set(g.entrez, g);
      add(this.bySymbol, g.symbol.toUpperCase(), g);
      for (const e of g.ensembl) add(this.byEnsembl, e.toUpperCase(), g);
      for (const a of g.aliases) add(this.byAlias, a.toUpperCase(), g);
    }
  }

  get size(): number {
    return this.byEntrez.size;
  }

  /** The gene with this Entrez id, if any. */
  byEntrezId(entrez: string): Gene | undefined {
    return this.byEntrez.get(entrez);
  }

  /**
   * Resolve a symbol, alias or identifier (case-insensitive, surrounding space ignored). Accepts "2064",
   * "NCBIGene:2064", "EntrezGene:2064", "ENSG00000141736" (with or without ".version").
   */
  resolve(query: string): GeneResolution {
    const q = query.trim();
    const up = q.toUpperCase();
    if (q === '') return { status: 'not-found', query, reason: 'empty query' };
    const sym = this.bySymbol.get(up);
    if (sym) return this.pick(sym, 'symbol', query);
    const entrez = /^(?:NCBIGENE:|ENTREZGENE:|ENTREZ:|GENEID:)?(\d+)$/.exec(up);
    if (entrez) {
      const g = this.byEntrez.get(entrez[1] as string);
      return g ? { status: 'found', gene: g, matchedBy: 'entrez', query } : { status: 'not-found', query, reason: `no gene with Entrez id ${entrez[1]}` };
    }
    const ens = /^(?:ENSEMBL:)?(ENSG\d{11})(?:\.\d+)?$/.exec(up);
    if (ens) {
      const gs = this.byEnsembl.get(ens[1] as string);
      if (!gs) return { status: 'not-found', query, reason: `no gene with Ensembl id ${ens[1]}` };
      if (gs.length === 1) return { status: 'found', gene: gs[0] as Gene, matchedBy: 'ensembl', query };
      return { status: 'ambiguous', candidates: gs, matchedBy: 'alias', query };
    }
    if (/^HGNC:\d+$/.test(up)) {
      return { status: 'not-found', query, reason: 'HGNC ids are not in the gene table (org.Hs.eg.db carries none): resolve by symbol' };
    }
    const al = this.byAlias.get(up);
    if (al) return this.pick(al, 'alias', query);
    return { status: 'not-found', query, reason: 'no gene has this symbol, alias or id' };
  }

  /** The gene, or undefined when not found or ambiguous. */
  find(query: string): Gene | undefined {
    const r = this.resolve(query);
    return r.status === 'found' ? r.gene : undefined;
  }

  /** Do two names denote the same gene? (Both must resolve unambiguously.) */
  sameGene(a: string, b: string): boolean {
    const ga = this.find(a);
    const gb = this.find(b);
    return ga !== undefined && ga === gb;
  }

  private pick(genes: Gene[], by: 'symbol' | 'alias', query: string): GeneResolution {
    if (genes.length === 1) return { status: 'found', gene: genes[0] as Gene, matchedBy: by, query };
    // NCBI keeps phenotype-only records (type "unknown") that share a symbol with the real gene (HBD, TEC, MEMO1):
    // an official symbol shared by exactly one protein-coding gene and only such records is that gene.
    if (by === 'symbol') {
      const coding = genes.filter((g) => g.type === 'protein-coding');
      if (coding.length === 1 && genes.every((g) => g === coding[0] || g.type === 'unknown')) {
        return { status: 'found', gene: coding[0] as Gene, matchedBy: by, query };
      }
    }
    return { status: 'ambiguous', candidates: genes, matchedBy: by, query };
  }
}

/** Parse the TSV text of a gene table. Errors name the line and column. */
export function parseGeneTable(text: string, file = 'genes.tsv.gz'): GeneTable {
  const genes: Gene[] = [];
  const source: string[] = [];
  let header: string[] | undefined;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line === '') return;
    if (line.startsWith('#')) {
      source.push(line.slice(1).trim());
      return;
    }
    const cols = line.split('\t');
    if (!header) {
      header = cols;
      if (EXPECTED_COLUMNS.some((c, j) => cols[j] !== c)) {
        throw new Error(`${file}:${i + 1}: header: expected columns ${EXPECTED_COLUMNS.join(', ')}, found ${cols.join(', ')}`);
      }
      return;
    }
    if (cols.length !== EXPECTED_COLUMNS.length) throw new Error(`${file}:${i + 1}: columns: expected ${EXPECTED_COLUMNS.length} tab-separated columns, found ${cols.length}`);
    const [entrez, symbol, name, type, chromosome, cytoband, ensembl, aliases] = cols as [string, string, string, string, string, string, string, string];
    if (!/^\d+$/.test(entrez)) throw new Error(`${file}:${i + 1}: entrez: expected a number, found ${JSON.stringify(entrez)}`);
    if (symbol === '') throw new Error(`${file}:${i + 1}: symbol: expected a gene symbol, found ""`);
    const split = (s: string) => (s === '' ? [] : s.split(';'));
    genes.push({ entrez, symbol, name, type, chromosomes: split(chromosome), ...(cytoband ? { cytoband: split(cytoband)[0] as string } : {}), ensembl: split(ensembl), aliases: split(aliases) });
  });
  if (!header) throw new Error(`${file}: header: expected a header line, found an empty table`);
  return new GeneTable(genes, source);
}

let cached: GeneTable | undefined;

/** Load a gene table (default: the committed one; loaded once and cached). 1–3 s and about 150 MB for 77,614 genes. */
export function loadGeneTable(path?: string): GeneTable {
  if (!path && cached) return cached;
  const p = path ?? DEFAULT_GENE_TABLE;
  const buf = readFileSync(p);
  const text = (buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf).toString('utf8');
  const table = parseGeneTable(text, p.split('/').pop());
  if (!path) cached = table;
  return table;
}
