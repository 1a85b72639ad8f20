/**
 * The gene panel of the genomics modality module (committed as panels/genomics-module-panel.json; rebuilt and
 * checked by scripts/build-module-panel.ts). The vector has one element per panel gene, in this order.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GeneTable } from '../genes/gene-table.js';
import type { ActionabilityKb } from '../kb/types.js';
import { GENOMICS_PATHWAYS } from './pathways.js';

export interface PanelGene {
  symbol: string;
  entrez?: string;
  /** Other symbols that resolve to this gene alone in the gene table ("HER2" for ERBB2). */
  aliases: string[];
  /** Why it is on the panel: "civic-predictive-AB" and/or pathway ids. */
  why: string[];
}

export interface ModulePanel {
  description: string;
  sources: string[];
  kbVersion: string;
  genes: PanelGene[];
}

export const MODULE_PANEL_PATH = fileURLToPath(new URL('../../panels/genomics-module-panel.json', import.meta.url));

export function buildModulePanel(kb: ActionabilityKb, genes: GeneTable): ModulePanel {
  const why = new Map<string, Set<string>>();
  const add = (symbol: string, reason: string) => {
    const r = why.get(symbol) ?? new Set<string>();
    r.add(reason);
    why.set(symbol, r);
  };
  for (const e of kb.evidence) {
    if (e.evidenceType === 'Predictive' && (e.level === 'A' || e.level === 'B') && (e.variantOrigin ?? '').startsWith('Somatic')) add(e.gene, 'civic-predictive-AB');
  }
  for (const p of GENOMICS_PATHWAYS) for (const g of p.genes) add(g, p.id);
  const out: PanelGene[] = [...why.keys()].sort().map((symbol) => {
    const r = genes.resolve(symbol);
    const gene = r.status === 'found' ? r.gene : undefined;
    const aliases = gene
      ? gene.aliases.filter((a) => {
          const back = genes.resolve(a);
          return a.toUpperCase() !== symbol.toUpperCase() && back.status === 'found' && back.gene === gene;
        })
      : [];
    return { symbol, ...(gene ? { entrez: gene.entrez } : {}), aliases: [...new Set(aliases)].sort(), why: [...(why.get(symbol) ?? [])].sort() };
  });
  return {
    description:
      'Gene panel of the genomics modality module: genes with somatic predictive level A/B evidence in the CIViC KB, plus the members of the module pathway gene sets (libs/genomics/src/module/pathways.ts).',
    sources: [
      `CIViC ${kb.meta.release} (${kb.meta.license}), ${kb.meta.sourceUrl}`,
      'Sanchez-Vega et al., Cell 2018, PMID 29625050 (pathway core members)',
      'olaparib US label HRR genes (PROfound, PMID 32343890); Lynch-syndrome MMR genes',
      'aliases: org.Hs.eg.db gene table (libs/genomics/fixtures/genes)',
    ],
    kbVersion: kb.meta.version,
    genes: out,
  };
}

let cached: ModulePanel | undefined;
export function loadModulePanel(): ModulePanel {
  cached ??= JSON.parse(readFileSync(MODULE_PANEL_PATH, 'utf8')) as ModulePanel;
  return cached;
}
