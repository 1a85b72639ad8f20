/**
 * Region queries on a bgzipped VCF through its tabix (.tbi) or CSI (.csi) index, with @gmod/tabix reading the
 * index and the BGZF blocks. Only the blocks that overlap the region are decompressed.
 *
 * Records read this way have no line number (the index does not count lines); their place is written as
 * "region 22:50300000-50310000, record 3" in messages and in the variant's source.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { TabixIndexedFile } from '@gmod/tabix';
import { VcfFormatError, expectedFound } from './errors.js';
import { parseHeaderText, type VcfHeader } from './header.js';
import { detectCompression } from './reader.js';
import { parseVcfRecord, type VcfRecord } from './record.js';

export interface GenomicRegion {
  /** As written in the query (before matching the index's contig names). */
  chrom: string;
  /** 1-based, inclusive. */
  start: number;
  /** 1-based, inclusive; undefined: to the end of the contig. */
  end?: number;
}

/** Parse "chr22:16,050,000-16,060,000", "22:16050000", or "22" (whole contig). */
export function parseRegion(text: string): GenomicRegion {
  const m = /^([^:\s]+)(?::([\d,]+)(?:-([\d,]+))?)?$/.exec(text.trim());
  const bad = () => new RangeError(`region ${JSON.stringify(text)}: expected chrom, chrom:pos or chrom:start-end with 1 ≤ start ≤ end (e.g. "chr22:16050000-16060000")`);
  if (!m) throw bad();
  const chrom = m[1] as string;
  if (m[2] === undefined) return { chrom, start: 1 };
  const start = Number((m[2] as string).replace(/,/g, ''));
  const end = m[3] !== undefined ? Number(m[3].replace(/,/g, '')) : start;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 1 || end < start) throw bad();
  return { chrom, start, end };
}

export function formatRegion(r: GenomicRegion): string {
  return r.end === undefined ? (r.start === 1 ? r.chrom : `${r.chrom}:${r.start}-`) : `${r.chrom}:${r.start}-${r.end}`;
}

export interface RegionQuery {
  header: VcfHeader;
  /** The region as queried, with the contig name the index uses (e.g. "22" for a "chr22" query). */
  region: GenomicRegion;
  /** The records overlapping the region, in file order. */
  records: VcfRecord[];
}

function indexOptions(path: string): { tbiPath: string } | { csiPath: string } | undefined {
  if (existsSync(`${path}.tbi`)) return { tbiPath: `${path}.tbi` };
  if (existsSync(`${path}.csi`)) return { csiPath: `${path}.csi` };
  return undefined;
}

/**
 * Records of a bgzipped, tabix-indexed VCF that overlap a region. A "chr" prefix is matched loosely: "chr22"
 * finds contig "22" and the other way round. The header is parsed and checked as for a full read.
 */
export async function queryRegion(
  path: string,
  regionText: string,
  /** `onInvalidRecord`: as for `openVcf`, a record that does not parse is handed there and left out. */
  options: { displayName?: string; onInvalidRecord?: (error: VcfFormatError) => void } = {},
): Promise<RegionQuery> {
  const file = options.displayName ?? basename(path);
  const region = parseRegion(regionText);
  if ((await detectCompression(path)) !== 'bgzip') {
    throw new VcfFormatError(file, undefined, 'compression', `expected a bgzip-compressed file for a region query (compress with "bgzip ${file}"), found ${(await detectCompression(path)) === 'gzip' ? 'plain gzip' : 'uncompressed text'}`);
  }
  const idx = indexOptions(path);
  if (!idx) {
    throw new VcfFormatError(file, undefined, 'tabix index', `expected ${file}.tbi or ${file}.csi beside the file (make one with "tabix -p vcf ${file}"), found none`);
  }
  const tabix = new TabixIndexedFile({ path, ...idx });
  const header = parseHeaderText(file, await tabix.getHeader());
  const names = await tabix.getReferenceSequenceNames();
  const want = region.chrom;
  const bare = want.replace(/^chr/i, '');
  const chrom = names.find((n) => n === want) ?? names.find((n) => n.replace(/^chr/i, '') === bare);
  if (chrom === undefined) {
    const shown = names.length > 10 ? `${names.slice(0, 10).join(', ')}, …` : names.join(', ');
    throw new VcfFormatError(file, undefined, 'region', `${expectedFound(`a contig in the index (${shown})`, want)}`);
  }
  const lines: string[] = [];
  await tabix.getLines(chrom, region.start - 1, region.end, { lineCallback: (line: string) => void lines.push(line) });
  const resolved: GenomicRegion = { chrom, start: region.start, ...(region.end !== undefined ? { end: region.end } : {}) };
  const label = formatRegion(resolved);
  const records: VcfRecord[] = [];
  lines.forEach((line, i) => {
    try {
      records.push(parseVcfRecord(header, line, `region ${label}, record ${i + 1}`));
    } catch (e) {
      if (!(e instanceof VcfFormatError) || !options.onInvalidRecord) throw e;
      options.onInvalidRecord(e);
    }
  });
  return { header, region: resolved, records };
}
