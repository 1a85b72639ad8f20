/**
 * The VCF header: meta-information lines (##) and the #CHROM line, parsed into INFO/FORMAT/FILTER/ALT/contig
 * definitions and the sample names. VCF 4.1 to 4.4 are accepted (the `##fileformat` line says which).
 */
import { VcfFormatError, expectedFound } from './errors.js';
import type { GenomeAssembly } from './types.js';

export const SUPPORTED_VCF_VERSIONS = ['4.1', '4.2', '4.3', '4.4'] as const;
export type VcfVersion = (typeof SUPPORTED_VCF_VERSIONS)[number];

/** One `##key=value` line; `fields` is set for structured lines `##key=<ID=..,..>`. */
export interface MetaLine {
  key: string;
  value: string;
  fields?: Record<string, string>;
  /** 1-based line number in the file. */
  line: number;
}

/** An INFO or FORMAT definition. `number` is as written: an integer, "A", "R", "G" or ".". */
export interface FieldDefinition {
  id: string;
  number: string;
  type: 'Integer' | 'Float' | 'Flag' | 'Character' | 'String';
  description: string;
}

export interface ContigDefinition {
  id: string;
  length?: number;
  assembly?: string;
}

export interface VcfHeader {
  /** File base name, for messages. */
  file: string;
  version: VcfVersion;
  meta: MetaLine[];
  info: Map<string, FieldDefinition>;
  format: Map<string, FieldDefinition>;
  filters: Map<string, string>;
  alts: Map<string, string>;
  contigs: Map<string, ContigDefinition>;
  /** Sample column names, in order (empty for sites-only files). */
  samples: string[];
  /** Line number of the #CHROM line: data starts on the next line. */
  columnHeaderLine: number;
}

const FIXED_COLUMNS = ['CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO'];
const FIELD_TYPES = new Set(['Integer', 'Float', 'Flag', 'Character', 'String']);

/** Parse `<ID=DP,Number=1,Type=Integer,Description="Total, \"raw\" depth">` into its fields. */
export function parseStructuredValue(value: string): Record<string, string> | undefined {
  if (!value.startsWith('<') || !value.endsWith('>')) return undefined;
  const body = value.slice(1, -1);
  const fields: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('=', i);
    if (eq < 0) return undefined;
    const key = body.slice(i, eq).trim();
    let j = eq + 1;
    let val = '';
    if (body[j] === '"') {
      j++;
      while (j < body.length && body[j] !== '"') {
        if (body[j] === '\\' && j + 1 < body.length) {
          val += body[j + 1];
          j += 2;
        } else {
          val += body[j];
          j++;
        }
      }
      j++; // closing quote
      const comma = body.indexOf(',', j);
      i = comma < 0 ? body.length : comma + 1;
    } else {
      const comma = body.indexOf(',', j);
      val = body.slice(j, comma < 0 ? body.length : comma);
      i = comma < 0 ? body.length : comma + 1;
    }
    fields[key] = val;
  }
  return fields;
}

/**
 * Incremental header parser: feed it lines (without newline) from line 1 until it returns true (the #CHROM
 * line was seen), then call `finish()`.
 */
export class VcfHeaderParser {
  private readonly meta: MetaLine[] = [];
  private version: VcfVersion | undefined;
  private header: VcfHeader | undefined;
  constructor(private readonly file: string) {}

  /** Returns true when the line was the #CHROM line (header complete). */
  push(line: string, lineNo: number): boolean {
    if (lineNo === 1) {
      const m = /^##fileformat=VCFv(\d+\.\d+)\s*$/.exec(line);
      if (!m) {
        const found = line.startsWith('##fileformat=') ? line.slice('##fileformat='.length) : line.slice(0, 20);
        throw new VcfFormatError(this.file, 1, '##fileformat', expectedFound('VCFv4.1, VCFv4.2, VCFv4.3 or VCFv4.4 on the first line', found));
      }
      const v = m[1] as string;
      if (!(SUPPORTED_VCF_VERSIONS as readonly string[]).includes(v)) {
        throw new VcfFormatError(this.file, 1, '##fileformat', expectedFound('VCFv4.1, VCFv4.2, VCFv4.3 or VCFv4.4', `VCFv${v}`));
      }
      this.version = v as VcfVersion;
      return false;
    }
    if (line.startsWith('##')) {
      const eq = line.indexOf('=');
      if (eq < 0) {
        // A bare "##comment" line: allowed by 4.1/4.2 practice; keep it as a key without value.
        this.meta.push({ key: line.slice(2), value: '', line: lineNo });
        return false;
      }
      const key = line.slice(2, eq);
      const value = line.slice(eq + 1);
      const fields = parseStructuredValue(value);
      if (['INFO', 'FORMAT', 'FILTER', 'ALT', 'contig'].includes(key) && (!fields || fields.ID === undefined)) {
        throw new VcfFormatError(this.file, lineNo, `##${key}`, expectedFound('<ID=...,...>', value));
      }
      this.meta.push(fields ? { key, value, fields, line: lineNo } : { key, value, line: lineNo });
      return false;
    }
    if (line.startsWith('#')) {
      this.header = this.buildHeader(line, lineNo);
      return true;
    }
    if (line.trim() === '') return false;
    throw new VcfFormatError(this.file, lineNo, '#CHROM', expectedFound('the #CHROM column header line before the first record', line.split('\t')[0] ?? ''));
  }

  finish(lastLine: number): VcfHeader {
    if (!this.version) throw new VcfFormatError(this.file, 1, '##fileformat', 'expected VCFv4.1 to VCFv4.4 on the first line, found an empty file');
    if (!this.header) throw new VcfFormatError(this.file, lastLine, '#CHROM', 'expected the #CHROM column header line, found the end of the file');
    return this.header;
  }

  private buildHeader(line: string, lineNo: number): VcfHeader {
    const cols = line.slice(1).split('\t');
    for (let i = 0; i < FIXED_COLUMNS.length; i++) {
      if (cols[i] !== FIXED_COLUMNS[i]) {
        throw new VcfFormatError(this.file, lineNo, `#CHROM column ${i + 1}`, expectedFound(FIXED_COLUMNS[i] as string, cols[i] ?? '(missing)'));
      }
    }
    if (cols.length > 8 && cols[8] !== 'FORMAT') {
      throw new VcfFormatError(this.file, lineNo, '#CHROM column 9', expectedFound('FORMAT', cols[8] ?? ''));
    }
    const samples = cols.slice(9);
    const seen = new Set<string>();
    for (const s of samples) {
      if (seen.has(s)) throw new VcfFormatError(this.file, lineNo, '#CHROM', `expected unique sample names, found a duplicate sample column ${JSON.stringify(s)}`);
      seen.add(s);
    }
    const info = new Map<string, FieldDefinition>();
    const format = new Map<string, FieldDefinition>();
    const filters = new Map<string, string>();
    const alts = new Map<string, string>();
    const contigs = new Map<string, ContigDefinition>();
    for (const m of this.meta) {
      const f = m.fields;
      if (!f) continue;
      if (m.key === 'INFO' || m.key === 'FORMAT') {
        const type = f.Type ?? 'String';
        if (!FIELD_TYPES.has(type)) {
          throw new VcfFormatError(this.file, m.line, `##${m.key} ${f.ID}`, expectedFound('Type=Integer, Float, Flag, Character or String', type));
        }
        const def: FieldDefinition = { id: f.ID as string, number: f.Number ?? '.', type: type as FieldDefinition['type'], description: f.Description ?? '' };
        (m.key === 'INFO' ? info : format).set(def.id, def);
      } else if (m.key === 'FILTER') filters.set(f.ID as string, f.Description ?? '');
      else if (m.key === 'ALT') alts.set(f.ID as string, f.Description ?? '');
      else if (m.key === 'contig') {
        const len = f.length !== undefined ? Number(f.length) : undefined;
        contigs.set(f.ID as string, {
          id: f.ID as string,
          ...(len !== undefined && Number.isFinite(len) ? { length: len } : {}),
          ...(f.assembly ? { assembly: f.assembly } : {}),
        });
      }
    }
    return {
      file: this.file,
      version: this.version as VcfVersion,
      meta: this.meta,
      info,
      format,
      filters,
      alts,
      contigs,
      samples,
      columnHeaderLine: lineNo,
    };
  }
}

/** Parse a whole header text (as tabix's getHeader returns it). */
export function parseHeaderText(file: string, text: string): VcfHeader {
  const parser = new VcfHeaderParser(file);
  const lines = text.split(/\r?\n/);
  let n = 0;
  for (const l of lines) {
    n++;
    if (parser.push(l, n)) return parser.finish(n);
  }
  return parser.finish(n);
}

/** All values of unstructured `##key=value` lines with this key. */
export function metaValues(header: VcfHeader, key: string): string[] {
  return header.meta.filter((m) => m.key === key).map((m) => m.value);
}

// ---------------------------------------------------------------------------------------------------------------
// Genome build
// ---------------------------------------------------------------------------------------------------------------

/** Names of GRCh37/GRCh38 as they appear in ##reference paths, ##assembly values and contig assembly= tags. */
export function assemblyFromName(name: string): GenomeAssembly | undefined {
  const s = name.toLowerCase();
  if (/grch38|hg38|hs38|b38|assembly38|gca_000001405\.(1[5-9]|2\d)|gcf_000001405\.(2[6-9]|[34]\d)/.test(s)) return 'GRCh38';
  if (/grch37|hg19|hs37|b37|human_g1k_v37|assembly19|gca_000001405\.(1[0-4]|[1-9])\b|gcf_000001405\.(1[3-9]|2[0-5])/.test(s)) return 'GRCh37';
  return undefined;
}

/** Chromosome 1 and X lengths identify the build exactly (GRCh37 vs GRCh38 differ). */
const CONTIG_LENGTHS: Record<GenomeAssembly, Record<string, number>> = {
  GRCh37: { '1': 249250621, X: 155270560, '22': 51304566 },
  GRCh38: { '1': 248956422, X: 156040895, '22': 50818468 },
};

export interface AssemblyEvidence {
  assembly: GenomeAssembly;
  /** Which header item said so, e.g. "##reference (line 3)". */
  from: string;
}

/** Every statement of the build in the header: ##assembly, ##reference, ##contig assembly=, contig lengths. */
export function assemblyEvidence(header: VcfHeader): AssemblyEvidence[] {
  const out: AssemblyEvidence[] = [];
  for (const m of header.meta) {
    if (m.key === 'assembly' || m.key === 'reference' || m.key === 'genome_build' || m.key === 'genomeBuild') {
      const a = assemblyFromName(m.value);
      if (a) out.push({ assembly: a, from: `##${m.key} (line ${m.line})` });
    } else if (m.key === 'contig' && m.fields) {
      const id = (m.fields.ID ?? '').replace(/^chr/i, '');
      const asm = m.fields.assembly ? assemblyFromName(m.fields.assembly) : undefined;
      if (asm) out.push({ assembly: asm, from: `##contig ${m.fields.ID} assembly= (line ${m.line})` });
      const len = m.fields.length !== undefined ? Number(m.fields.length) : undefined;
      if (len !== undefined) {
        for (const a of ['GRCh37', 'GRCh38'] as const) {
          if (CONTIG_LENGTHS[a][id] === len) out.push({ assembly: a, from: `##contig ${m.fields.ID} length=${len} (line ${m.line})` });
        }
      }
    }
  }
  return out;
}

/**
 * The genome build of a file: from its header, checked against the configured one. Never guessed: a header that
 * says nothing and no configuration is an error, and so is a header that contradicts itself or the configuration.
 */
export function resolveAssembly(header: VcfHeader, configured?: GenomeAssembly): { assembly: GenomeAssembly; from: string } {
  const evidence = assemblyEvidence(header);
  const kinds = new Set(evidence.map((e) => e.assembly));
  if (kinds.size > 1) {
    const a = evidence.find((e) => e.assembly === 'GRCh37') as AssemblyEvidence;
    const b = evidence.find((e) => e.assembly === 'GRCh38') as AssemblyEvidence;
    throw new VcfFormatError(header.file, undefined, 'genome build', `the header contradicts itself: ${a.from} says GRCh37, ${b.from} says GRCh38`);
  }
  const stated = evidence[0];
  if (configured && stated && stated.assembly !== configured) {
    throw new VcfFormatError(header.file, undefined, 'genome build', `configured ${configured}, but ${stated.from} says ${stated.assembly}`);
  }
  if (stated) return { assembly: stated.assembly, from: stated.from };
  if (configured) return { assembly: configured, from: 'configuration' };
  throw new VcfFormatError(
    header.file,
    undefined,
    'genome build',
    'not stated in the header (##reference, ##assembly, ##contig assembly= or GRCh37/GRCh38 contig lengths) and not configured: pass { assembly: "GRCh37" } or { assembly: "GRCh38" }',
  );
}
