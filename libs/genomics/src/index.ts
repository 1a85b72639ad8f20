// libs/genomics: VCF reading, HGVS, the actionability knowledge base, FHIR Genomics Reporting.
// Nothing is implemented yet: issue 5 builds this room. It exports nothing so no caller can mistake it for working code.
export {};
