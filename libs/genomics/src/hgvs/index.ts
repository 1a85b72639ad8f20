// HGVS and report shorthand: a grammar-based parser with a typed syntax tree, and formatters that give the text back.
export type * from './ast';
export { HgvsParseError } from './cursor';
export { formatHgvs, formatProteinPosEdit, formatNucleotidePosEdit, type HgvsFormatOptions } from './format';
export { parseHgvsRule, type HgvsRuleName } from './grammar';
export {
  EXON_EFFECTS,
  VARIANT_CATEGORIES,
  formatVariantName,
  parseHgvs,
  parseVariantName,
  tryParseVariantName,
  type ExonEffect,
  type ProteinChange,
  type VariantCategory,
  type VariantName,
  type VariantNameResult,
} from './shorthand';
