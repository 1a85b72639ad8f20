/**
 * Pathway gene sets of the genomics modality module (each becomes two vector elements: altered 0/1 and the
 * fraction of its genes altered).
 *
 * Source: the ten canonical oncogenic signaling pathways of Sanchez-Vega F. et al., "Oncogenic Signaling
 * Pathways in The Cancer Genome Atlas", Cell 2018;173(2):321-337 (PMID 29625050), whose curated pathway templates
 * list the member genes (their Table S3). The lists below are the core members of those templates as transcribed
 * for OncoBoard (a subset: rarely altered members left out); they are not a verbatim copy of the table.
 * Two gene sets were added for treatment decisions that the ten pathways do not cover:
 * - homologous recombination repair (HRR): the 15 genes of the olaparib (Lynparza) US label for metastatic
 *   castration-resistant prostate cancer (PROfound trial; de Bono J. et al., NEJM 2020, PMID 32343890);
 * - mismatch repair (MMR): MLH1, MSH2, MSH6, PMS2 and EPCAM, the Lynch-syndrome genes (NCCN).
 * Changing a list changes the vector: bump GENOMICS_MODULE_VERSION and rebuild the panel
 * (`node --import tsx libs/genomics/scripts/build-module-panel.ts`).
 */
export interface PathwayGeneSet {
  id: string;
  name: string;
  genes: readonly string[];
  source: string;
}

const SV2018 = 'Sanchez-Vega et al., Cell 2018 (PMID 29625050), core members';

export const GENOMICS_PATHWAYS: readonly PathwayGeneSet[] = [
  {
    id: 'rtk-ras',
    name: 'RTK/RAS',
    source: SV2018,
    genes: ['EGFR', 'ERBB2', 'ERBB3', 'ERBB4', 'MET', 'PDGFRA', 'FGFR1', 'FGFR2', 'FGFR3', 'FGFR4', 'KIT', 'IGF1R', 'RET', 'ROS1', 'ALK', 'FLT3', 'NTRK1', 'NTRK2', 'NTRK3', 'JAK2', 'CBL', 'ERRFI1', 'ABL1', 'SOS1', 'NF1', 'RASA1', 'PTPN11', 'KRAS', 'HRAS', 'NRAS', 'RIT1', 'ARAF', 'BRAF', 'RAF1', 'MAP2K1', 'MAP2K2', 'MAPK1'],
  },
  {
    id: 'pi3k',
    name: 'PI3K/AKT/mTOR',
    source: SV2018,
    genes: ['PIK3CA', 'PIK3CB', 'PIK3R1', 'PIK3R2', 'PTEN', 'INPP4B', 'AKT1', 'AKT2', 'AKT3', 'MTOR', 'RICTOR', 'RPTOR', 'TSC1', 'TSC2', 'RHEB', 'STK11', 'PPP2R1A'],
  },
  { id: 'cell-cycle', name: 'Cell cycle', source: SV2018, genes: ['CDKN1A', 'CDKN1B', 'CDKN2A', 'CDKN2B', 'CDKN2C', 'CCND1', 'CCND2', 'CCND3', 'CCNE1', 'CDK2', 'CDK4', 'CDK6', 'RB1', 'E2F1', 'E2F3'] },
  { id: 'tp53', name: 'TP53', source: SV2018, genes: ['TP53', 'MDM2', 'MDM4', 'ATM', 'CHEK2', 'RPS6KA3'] },
  { id: 'notch', name: 'NOTCH', source: SV2018, genes: ['NOTCH1', 'NOTCH2', 'NOTCH3', 'NOTCH4', 'FBXW7', 'NCOR1', 'NCOR2', 'KAT2B', 'SPEN', 'CREBBP', 'EP300'] },
  { id: 'wnt', name: 'WNT', source: SV2018, genes: ['APC', 'CTNNB1', 'AXIN1', 'AXIN2', 'RNF43', 'ZNRF3', 'TCF7L2', 'GSK3B', 'AMER1', 'LRP5', 'LRP6'] },
  { id: 'myc', name: 'MYC', source: SV2018, genes: ['MYC', 'MYCN', 'MYCL', 'MAX', 'MGA', 'MXD1', 'MNT'] },
  { id: 'hippo', name: 'Hippo', source: SV2018, genes: ['NF2', 'LATS1', 'LATS2', 'SAV1', 'STK3', 'STK4', 'YAP1', 'WWTR1', 'TEAD1', 'TEAD2', 'TEAD3', 'TEAD4'] },
  { id: 'tgf-beta', name: 'TGF-β', source: SV2018, genes: ['TGFBR1', 'TGFBR2', 'ACVR1B', 'ACVR2A', 'SMAD2', 'SMAD3', 'SMAD4'] },
  { id: 'nrf2', name: 'NRF2', source: SV2018, genes: ['KEAP1', 'NFE2L2', 'CUL3'] },
  {
    id: 'hrr',
    name: 'Homologous recombination repair',
    source: 'olaparib US label, mCRPC HRR genes (PROfound; PMID 32343890)',
    genes: ['ATM', 'BARD1', 'BRCA1', 'BRCA2', 'BRIP1', 'CDK12', 'CHEK1', 'CHEK2', 'FANCL', 'PALB2', 'PPP2R2A', 'RAD51B', 'RAD51C', 'RAD51D', 'RAD54L'],
  },
  { id: 'mmr', name: 'Mismatch repair', source: 'Lynch-syndrome genes (NCCN)', genes: ['MLH1', 'MSH2', 'MSH6', 'PMS2', 'EPCAM'] },
];
