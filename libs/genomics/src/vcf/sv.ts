/**
 * Structural variants: symbolic alleles (<DEL>, <DUP>, <DUP:TANDEM>, <INV>, <INS>, <CNV>...) with END/SVLEN/SVTYPE,
 * and breakends (VCF 4.2 §5.4: t[p[, t]p], ]p]t, [p[t) whose two records (MATEID, or PARID in VCF 4.4) are
 * joined into one rearrangement with both breakpoints — a fusion's two partners.
 */
import type { BreakendAllele, VariantType } from './types.js';

const BND = /^([ACGTN]*)([[\]])([^[\]:]+):(\d+)([[\]])([ACGTN]*)$/i;

/** Parse a breakend ALT; undefined when the ALT is not in the mate-position notation (e.g. single breakend "G."). */
export function parseBreakendAlt(alt: string): BreakendAllele | undefined {
  const m = BND.exec(alt);
  if (!m) return undefined;
  const [, before, open, chrom, pos, close, after] = m as unknown as [string, string, string, string, string, string, string];
  if (open !== close) return undefined;
  if ((before === '') === (after === '')) return undefined; // exactly one side carries bases
  return {
    alt,
    mate: { chrom, pos: Number(pos) },
    bases: before || after,
    basesSide: before ? 'before' : 'after',
    mateDirection: open === '[' ? 'right' : 'left',
  };
}

/** Is this ALT a breakend (mate notation or single breakend "G." / ".G")? */
export function isBreakendAlt(alt: string): boolean {
  return parseBreakendAlt(alt) !== undefined || /^\.[ACGTN]+$|^[ACGTN]+\.$/i.test(alt);
}

export function isSymbolicAlt(alt: string): boolean {
  return /^<[^<>]+>$/.test(alt);
}

/** The variant type of a symbolic allele or SVTYPE: <DEL> → sv-deletion, <DUP:TANDEM> → sv-duplication... */
export function structuralVariantType(symbolicOrSvType: string): VariantType {
  const t = symbolicOrSvType.replace(/^<|>$/g, '').split(':')[0]?.toUpperCase() ?? '';
  switch (t) {
    case 'DEL':
      return 'sv-deletion';
    case 'DUP':
      return 'sv-duplication';
    case 'INV':
      return 'sv-inversion';
    case 'INS':
      return 'sv-insertion';
    case 'CNV':
    case 'CN0':
    case 'CN1':
    case 'CN2':
    case 'CN3':
    case 'CN4':
      return 'sv-copy-number';
    case 'BND':
    case 'TRA':
      return 'rearrangement';
    default:
      return 'other';
  }
}

/**
 * Buffers breakend records until their mate arrives, then hands back the pair. Memory holds only unpaired
 * breakends (mates are usually near in the file; translocations wait until the second chromosome is read).
 */
export class BreakendJoiner<T> {
  private readonly waiting = new Map<string, { ids: string[]; mateIds: string[]; item: T }>();

  /**
   * Offer one breakend record. Returns the [first, second] pair when this record completes one, else undefined
   * (it is kept until its mate comes or `drain()` is called).
   * @param ids the record's ID column entries
   * @param mateIds MATEID (or PARID) entries; empty when the record names no mate
   */
  offer(ids: string[], mateIds: string[], item: T): [T, T] | undefined {
    for (const mateId of mateIds) {
      const mate = this.waiting.get(mateId);
      if (mate && (mate.mateIds.length === 0 || ids.some((id) => mate.mateIds.includes(id)))) {
        for (const id of mate.ids) this.waiting.delete(id);
        return [mate.item, item];
      }
    }
    if (mateIds.length === 0 || ids.length === 0) return undefined; // can never pair: caller emits it alone
    const entry = { ids, mateIds, item };
    for (const id of ids) this.waiting.set(id, entry);
    return undefined;
  }

  /** Whether a record with these ids and mates would wait for a partner (false: emit it alone now). */
  canPair(ids: string[], mateIds: string[]): boolean {
    return ids.length > 0 && mateIds.length > 0;
  }

  /** The breakends whose mate never came, in arrival order. */
  drain(): T[] {
    const seen = new Set<{ item: T }>();
    const out: T[] = [];
    for (const e of this.waiting.values()) {
      if (seen.has(e)) continue;
      seen.add(e);
      out.push(e.item);
    }
    this.waiting.clear();
    return out;
  }

  get size(): number {
    return new Set(this.waiting.values()).size;
  }
}
