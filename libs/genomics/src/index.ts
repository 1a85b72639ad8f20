// libs/genomics: somatic VCFs (plain/bgzip, tabix regions, multi-allelic split, SVs with breakend pairs joined,
// tumor sample and per-caller depth/VAF, VEP/SnpEff annotations), genomic variants from FHIR, and the gene table
// (symbols, aliases, Entrez/Ensembl ids from org.Hs.eg.db), the HGVS parser, and the CIViC actionability knowledge
// base with matching by gene, variant categories and cancer type.
export * from './vcf/index';
export * from './genes/index';
export * from './hgvs/index';
export * from './kb/index';
export * from './tmb/index';
export * from './facts';
export * from './module/index';
export * from './fhir-export/index';
