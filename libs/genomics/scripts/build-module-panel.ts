/**
 * Builds libs/genomics/panels/genomics-module-panel.json, the gene panel of the genomics modality module:
 *   the genes with somatic, predictive, level A or B evidence in the committed CIViC KB (CC0), plus every gene
 *   of the module's pathway gene sets (src/module/pathways.ts); each with its Entrez id and the aliases that
 *   resolve to it alone in the committed gene table (org.Hs.eg.db, see fixtures/genes/README.md).
 * Run from the repository root: node --import tsx libs/genomics/scripts/build-module-panel.ts [--check]
 * --check rebuilds in memory and exits 1 when the committed file differs (the build is deterministic).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGeneTable } from '../src/genes/gene-table.js';
import { loadKb } from '../src/kb/load.js';
import { buildModulePanel } from '../src/module/panel.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '../panels/genomics-module-panel.json');
const text = `${JSON.stringify(buildModulePanel(loadKb(), loadGeneTable()), null, 1)}\n`;
if (process.argv.includes('--check')) {
  const same = readFileSync(out, 'utf8') === text;
  console.log(same ? `${out}: up to date` : `${out}: differs from a rebuild; run without --check`);
  process.exit(same ? 0 : 1);
}
writeFileSync(out, text);
console.log(`wrote ${out}`);
