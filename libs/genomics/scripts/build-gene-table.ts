/**
 * Builds the committed gene table libs/genomics/fixtures/genes/genes.tsv.gz from Bioconductor's org.Hs.eg.db
 * SQLite (Debian package r-bioc-org.hs.eg.db; Artistic-2.0; data from NCBI Entrez Gene and Ensembl).
 *
 *   npx tsx libs/genomics/scripts/build-gene-table.ts \
 *     [--sqlite /usr/lib/R/site-library/org.Hs.eg.db/extdata/org.Hs.eg.sqlite] \
 *     [--out libs/genomics/fixtures/genes/genes.tsv.gz]
 *
 * One row per Entrez gene (all gene types), sorted by Entrez id, columns:
 *   entrez  symbol  name  type  chromosome  cytoband  ensembl(;)  aliases(;)
 * The output is deterministic (sorted rows, gzip without a timestamp): rebuilding from the same SQLite gives the
 * same bytes. Lines starting with "#" state the source.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const sqlitePath = arg('--sqlite', '/usr/lib/R/site-library/org.Hs.eg.db/extdata/org.Hs.eg.sqlite');
const outPath = resolve(arg('--out', resolve(here, '../fixtures/genes/genes.tsv.gz')));

const db = new Database(sqlitePath, { readonly: true, fileMustExist: true });
const meta = new Map((db.prepare('SELECT name, value FROM metadata').all() as { name: string; value: string }[]).map((r) => [r.name, r.value]));
if (meta.get('ORGANISM') !== 'Homo sapiens') throw new Error(`${sqlitePath}: expected an org.Hs.eg.db SQLite (ORGANISM Homo sapiens), found ${meta.get('ORGANISM')}`);

type Row = { id: number; entrez: string; symbol: string; name: string };
const genes = db.prepare('SELECT g._id AS id, g.gene_id AS entrez, i.symbol AS symbol, i.gene_name AS name FROM genes g JOIN gene_info i ON i._id = g._id').all() as Row[];
const many = (sql: string) => {
  const m = new Map<number, string[]>();
  for (const r of db.prepare(sql).all() as { id: number; v: string }[]) {
    const list = m.get(r.id) ?? [];
    if (!list.includes(r.v)) list.push(r.v);
    m.set(r.id, list);
  }
  return m;
};
const types = many('SELECT _id AS id, gene_type AS v FROM genetype');
const chroms = many('SELECT _id AS id, chromosome AS v FROM chromosomes');
const bands = many('SELECT _id AS id, cytogenetic_location AS v FROM cytogenetic_locations');
const ensembl = many('SELECT _id AS id, ensembl_id AS v FROM ensembl ORDER BY ensembl_id');
const aliases = many('SELECT _id AS id, alias_symbol AS v FROM alias ORDER BY alias_symbol');

const clean = (s: string) => s.replace(/[\t\n\r]/g, ' ');
genes.sort((a, b) => Number(a.entrez) - Number(b.entrez));
const lines = [
  `# OncoBoard gene table from Bioconductor org.Hs.eg.db (Debian r-bioc-org.hs.eg.db), licence Artistic-2.0`,
  `# Entrez Gene ${meta.get('EGSOURCEDATE')} (${meta.get('EGSOURCEURL')}); Ensembl ${meta.get('ENSOURCEDATE')}; built by libs/genomics/scripts/build-gene-table.ts`,
  ['entrez', 'symbol', 'name', 'type', 'chromosome', 'cytoband', 'ensembl', 'aliases'].join('\t'),
];
for (const g of genes) {
  const al = (aliases.get(g.id) ?? []).filter((a) => a !== g.symbol);
  lines.push(
    [
      g.entrez,
      clean(g.symbol),
      clean(g.name),
      (types.get(g.id) ?? [])[0] ?? '',
      (chroms.get(g.id) ?? []).join(';'),
      (bands.get(g.id) ?? []).join(';'),
      (ensembl.get(g.id) ?? []).join(';'),
      al.map(clean).join(';'),
    ].join('\t'),
  );
}
mkdirSync(dirname(outPath), { recursive: true });
const gz = gzipSync(`${lines.join('\n')}\n`, { level: 9 });
writeFileSync(outPath, gz);
console.log(`${outPath}: ${genes.length} genes, ${gz.length} bytes (from ${sqlitePath}, Entrez Gene ${meta.get('EGSOURCEDATE')})`);
