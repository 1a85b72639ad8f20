// Human genes by symbol, alias, Entrez and Ensembl id (issue 5).
export { DEFAULT_GENE_TABLE, GeneTable, loadGeneTable, parseGeneTable, type Gene, type GeneResolution } from './gene-table.js';
