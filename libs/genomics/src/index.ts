// libs/genomics: somatic VCFs (plain/bgzip, tabix regions, multi-allelic split, SVs with breakend pairs joined,
// tumor sample and per-caller depth/VAF, VEP/SnpEff annotations), genomic variants from FHIR, and the gene table
// (symbols, aliases, Entrez/Ensembl ids from org.Hs.eg.db). The HGVS parser and the CIViC knowledge base follow.
export * from './vcf/index';
export * from './genes/index';
