// The verbatim text of a pathology report, from a FHIR R4 DiagnosticReport (conclusion; presentedForm attachments
// as text/plain, text/html or application/pdf in base64 `data`) or from a file (.txt, .html, .pdf, or a .json
// DiagnosticReport). Each text says where it came from (resource + element path, or file). Errors name the input,
// the place and what was expected; they never quote report text (patient data).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import type { Coding } from '@oncoboard/facts';
import { z } from 'zod';
import { htmlToText } from './html-text';
import { readPdfTextLayer } from './pdf-text';

export const SUPPORTED_CONTENT_TYPES = ['text/plain', 'text/html', 'application/pdf'] as const;
export type ReportContentType = (typeof SUPPORTED_CONTENT_TYPES)[number];

/** How the kept text was derived from the source bytes. */
export type TextDerivation = 'verbatim' | 'html-to-text' | 'pdf-text-layer';

export interface ReportText {
  /**
   * THE text of this part of the report: every finding's span indexes into it, and it is stored verbatim. For
   * text/plain and the conclusion it is the source text itself (a leading byte-order mark dropped); for HTML it is
   * the plain text derived by htmlToText; for PDF the pdf.js text layer.
   */
  text: string;
  /** "DiagnosticReport/<id>", or the absolute path of a plain file. */
  source: string;
  /** "DiagnosticReport.conclusion", "DiagnosticReport.presentedForm[0]"; "" for a plain file. */
  elementPath: string;
  contentType: ReportContentType;
  derivation: TextDerivation;
  /** sha256 (hex) of the kept text. */
  sha256: string;
  title?: string;
  language?: string;
  /** PDF only. */
  pages?: number;
  /** The source bytes when the kept text was derived from them (HTML, PDF), to be stored beside the text. */
  sourceBytes?: Uint8Array;
}

export interface PathologyReportDocument {
  /** "DiagnosticReport/<id>" for FHIR input; the absolute file path for a plain file. */
  source: string;
  /** The file the input was read from, when it was a file. */
  file?: string;
  resourceType?: 'DiagnosticReport';
  id?: string;
  /** "Patient/<id>" from DiagnosticReport.subject, when it references a Patient. */
  patientKey?: string;
  status?: string;
  code?: Coding;
  /** DiagnosticReport.effectiveDateTime (or effectivePeriod.start), else issued. */
  date?: string;
  issued?: string;
  texts: ReportText[];
}

/** Bad report input. The message names the input, the place and what was expected; never report text. */
export class PathologyReportError extends Error {
  override name = 'PathologyReportError';
}

/**
 * The largest report text read and extracted, in characters (UTF-16 code units). A pathology report is a few
 * thousand characters; a multi-megabyte "report" is a concatenated export or a wrong file. Extraction time grows
 * linearly (about 4 s per MB on one core), so the cap bounds a request at well under a minute.
 */
export const MAX_REPORT_CHARS = 5_000_000;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const CodingSchema = z.object({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() }).passthrough();
const AttachmentSchema = z
  .object({
    contentType: z.string().optional(),
    data: z.string().optional(),
    url: z.string().optional(),
    language: z.string().optional(),
    title: z.string().optional(),
  })
  .passthrough();
const DiagnosticReportSchema = z
  .object({
    resourceType: z.literal('DiagnosticReport'),
    id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/).optional(),
    status: z.string().optional(),
    code: z.object({ coding: z.array(CodingSchema).optional(), text: z.string().optional() }).passthrough().optional(),
    subject: z.object({ reference: z.string().optional() }).passthrough().optional(),
    effectiveDateTime: z.string().optional(),
    effectivePeriod: z.object({ start: z.string().optional() }).passthrough().optional(),
    issued: z.string().optional(),
    conclusion: z.string().optional(),
    presentedForm: z.array(AttachmentSchema).optional(),
  })
  .passthrough();

function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** "resourceType.a[0].b" from a zod issue path. */
function elementPath(resourceType: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`), resourceType);
}

export interface ReadDiagnosticReportOptions {
  /** The file the resource was read from, named in errors and kept on the document. */
  file?: string;
}

/**
 * Reads a FHIR R4 DiagnosticReport into its report texts: the conclusion (when present) and each presentedForm
 * attachment with base64 `data` of type text/plain, text/html or application/pdf (content-type parameters such as
 * charset are allowed; text is decoded as UTF-8). Throws PathologyReportError on anything else.
 */
export async function readDiagnosticReport(resource: unknown, options: ReadDiagnosticReportOptions = {}): Promise<PathologyReportDocument> {
  const filePrefix = options.file ? `${options.file}: ` : '';
  const rawId = typeof resource === 'object' && resource && typeof (resource as { id?: unknown }).id === 'string' ? (resource as { id: string }).id : undefined;
  const where = (path: readonly PropertyKey[]) => {
    const base = rawId && /^[A-Za-z0-9\-.]{1,64}$/.test(rawId) ? `DiagnosticReport/${rawId}` : 'DiagnosticReport';
    return `${filePrefix}${elementPath(base, path)}`;
  };
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    throw new PathologyReportError(`${filePrefix}resource: expected a DiagnosticReport object, found ${describeFound(resource)}`);
  }
  const declared = (resource as { resourceType?: unknown }).resourceType;
  if (declared !== 'DiagnosticReport') {
    throw new PathologyReportError(`${filePrefix}resourceType: expected "DiagnosticReport", found ${typeof declared === 'string' ? `"${declared}"` : describeFound(declared)}`);
  }
  const parsed = DiagnosticReportSchema.safeParse(resource);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.ZodIssue;
    const found = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), resource);
    const expected = issue.path.at(-1) === 'id' ? 'an id of 1-64 letters, digits, "-" or "."' : issue.code === 'invalid_type' ? `${issue.expected}` : issue.message.toLowerCase();
    throw new PathologyReportError(`${where(issue.path)}: expected ${expected}, found ${describeFound(found)}`);
  }
  const report = parsed.data;
  const source = report.id ? `DiagnosticReport/${report.id}` : options.file ? `${resolve(options.file)}#DiagnosticReport` : 'DiagnosticReport';
  const texts: ReportText[] = [];
  if (report.conclusion !== undefined && report.conclusion.trim() !== '') {
    const text = stripBom(report.conclusion);
    texts.push({ text, source, elementPath: 'DiagnosticReport.conclusion', contentType: 'text/plain', derivation: 'verbatim', sha256: sha256(text) });
  }
  for (const [n, attachment] of (report.presentedForm ?? []).entries()) {
    const path = ['presentedForm', n];
    const contentType = attachment.contentType?.split(';')[0]?.trim().toLowerCase();
    if (!contentType) throw new PathologyReportError(`${where([...path, 'contentType'])}: expected text/plain, text/html or application/pdf, found nothing`);
    if (!(SUPPORTED_CONTENT_TYPES as readonly string[]).includes(contentType)) {
      throw new PathologyReportError(`${where([...path, 'contentType'])}: expected text/plain, text/html or application/pdf, found ${sanitizeToken(contentType)}`);
    }
    if (attachment.data === undefined) {
      throw new PathologyReportError(`${where([...path, 'data'])}: expected base64 data, found ${attachment.url !== undefined ? 'only a url (attachments by url are not fetched)' : 'nothing'}`);
    }
    const bytes = decodeBase64(attachment.data, where([...path, 'data']));
    const elementPathText = `DiagnosticReport.presentedForm[${n}]`;
    const meta = { ...(attachment.title ? { title: attachment.title } : {}), ...(attachment.language ? { language: attachment.language } : {}) };
    const charset = /;\s*charset\s*=\s*"?([A-Za-z0-9._-]+)"?/i.exec(attachment.contentType ?? '')?.[1];
    const part = await textOfBytes(bytes, contentType as ReportContentType, where(path), charset);
    if (part.text.trim() === '') throw new PathologyReportError(`${where(path)}: expected report text, found ${contentType === 'application/pdf' ? 'a PDF without a text layer (scanned? no OCR here)' : 'empty text'}`);
    texts.push({ ...part, source, elementPath: elementPathText, contentType: contentType as ReportContentType, sha256: sha256(part.text), ...meta });
  }
  if (texts.length === 0) throw new PathologyReportError(`${where([])}: expected a conclusion or a presentedForm, found neither`);
  const subject = report.subject?.reference;
  const patientKey = subject && /^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(subject) ? subject : undefined;
  const coding = report.code?.coding?.[0];
  const date = report.effectiveDateTime ?? report.effectivePeriod?.start ?? report.issued;
  return {
    source,
    ...(options.file ? { file: resolve(options.file) } : {}),
    resourceType: 'DiagnosticReport',
    ...(report.id ? { id: report.id } : {}),
    ...(patientKey ? { patientKey } : {}),
    ...(report.status ? { status: report.status } : {}),
    ...(coding ? { code: { ...(coding.system ? { system: coding.system } : {}), ...(coding.code ? { code: coding.code } : {}), ...(coding.display ? { display: coding.display } : report.code?.text ? { display: report.code.text } : {}) } } : {}),
    ...(date ? { date } : {}),
    ...(report.issued ? { issued: report.issued } : {}),
    texts,
  };
}

/** Reads a report file: .txt (UTF-8), .html/.htm, .pdf, or .json (a FHIR DiagnosticReport). */
export async function readReportFile(path: string): Promise<PathologyReportDocument> {
  const file = resolve(path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PathologyReportError(`${file}: cannot read file (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`);
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.json') {
    let json: unknown;
    try {
      json = JSON.parse(decodeUtf8(bytes, file));
    } catch (error) {
      if (error instanceof PathologyReportError) throw error;
      throw new PathologyReportError(`${file}: expected JSON (a FHIR DiagnosticReport), found invalid JSON`);
    }
    return readDiagnosticReport(json, { file });
  }
  const contentType: ReportContentType | undefined = ext === '.txt' || ext === '.text' ? 'text/plain' : ext === '.html' || ext === '.htm' ? 'text/html' : ext === '.pdf' ? 'application/pdf' : undefined;
  if (!contentType) throw new PathologyReportError(`${file}: expected a .txt, .html, .pdf or .json (DiagnosticReport) file, found ${ext ? `"${sanitizeToken(ext)}"` : 'no extension'}`);
  const part = await textOfBytes(bytes, contentType, file);
  if (part.text.trim() === '') throw new PathologyReportError(`${file}: expected report text, found ${contentType === 'application/pdf' ? 'a PDF without a text layer (scanned? no OCR here)' : 'an empty file'}`);
  return {
    source: file,
    file,
    texts: [{ ...part, source: file, elementPath: '', contentType, sha256: sha256(part.text), title: basename(file) }],
  };
}

async function textOfBytes(bytes: Uint8Array, contentType: ReportContentType, where: string, charset?: string): Promise<{ text: string; derivation: TextDerivation; pages?: number; sourceBytes?: Uint8Array }> {
  if (contentType === 'application/pdf') {
    if (bytes.length < 5 || String.fromCharCode(...bytes.subarray(0, 5)) !== '%PDF-') throw new PathologyReportError(`${where}: expected a PDF (starting "%PDF-"), found other bytes`);
    try {
      const { text, pages } = await readPdfTextLayer(bytes);
      return { text, derivation: 'pdf-text-layer', pages, sourceBytes: bytes };
    } catch (error) {
      throw new PathologyReportError(`${where}: expected a readable PDF, found one pdf.js cannot read (${error instanceof Error ? error.name : 'error'})`);
    }
  }
  const decoded = stripBom(decodeText(bytes, where, charset));
  checkReportText(decoded, where);
  return contentType === 'text/html' ? { text: htmlToText(decoded), derivation: 'html-to-text', sourceBytes: bytes } : { text: decoded, derivation: 'verbatim' };
}

/** Charsets a text attachment may declare (or a BOM may show), by the name TextDecoder knows them. */
const CHARSETS: Record<string, string> = {
  'utf-8': 'utf-8', utf8: 'utf-8', 'us-ascii': 'utf-8', ascii: 'utf-8',
  'utf-16': 'utf-16le', 'utf-16le': 'utf-16le', 'utf-16be': 'utf-16be',
  'iso-8859-1': 'windows-1252', latin1: 'windows-1252', 'latin-1': 'windows-1252', 'windows-1252': 'windows-1252', cp1252: 'windows-1252',
};

/**
 * Text bytes → string: UTF-8 by default; UTF-16 when the bytes start with a UTF-16 byte-order mark; the declared
 * charset (FHIR contentType "text/plain; charset=iso-8859-1") when one is given. Anything else is an error that
 * names the encoding found.
 */
function decodeText(bytes: Uint8Array, where: string, charset?: string): string {
  const bom16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (bom16 && !(bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0)) {
    return new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be', { fatal: false }).decode(bytes);
  }
  if (bytes.length >= 4 && ((bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) || (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff))) {
    throw new PathologyReportError(`${where}: expected UTF-8 text, found UTF-32 text (byte-order mark); convert it to UTF-8`);
  }
  if (charset !== undefined) {
    const known = CHARSETS[charset.toLowerCase()];
    if (!known) throw new PathologyReportError(`${where}: expected charset utf-8, utf-16 or iso-8859-1/windows-1252, found ${sanitizeToken(charset)}`);
    if (known !== 'utf-8') {
      try {
        return new TextDecoder(known, { fatal: true }).decode(bytes);
      } catch {
        throw new PathologyReportError(`${where}: expected ${known} text as declared, found bytes that are not`);
      }
    }
  }
  return decodeUtf8(bytes, where);
}

/**
 * Decoded text that is not report text: NUL bytes or many control characters (a binary file named .txt, an image
 * in a text attachment), or more than MAX_REPORT_CHARS characters.
 */
function checkReportText(text: string, where: string): void {
  if (text.length > MAX_REPORT_CHARS) throw new PathologyReportError(`${where}: expected a report of at most ${MAX_REPORT_CHARS.toLocaleString('en-US')} characters, found ${text.length.toLocaleString('en-US')} (split it into reports)`);
  let control = 0;
  const sample = Math.min(text.length, 65_536);
  for (let i = 0; i < sample; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) throw new PathologyReportError(`${where}: expected report text, found binary data (NUL bytes)`);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) control++;
  }
  if (sample > 0 && control / sample > 0.05) throw new PathologyReportError(`${where}: expected report text, found binary data (${Math.round((100 * control) / sample)}% control or undecodable characters)`);
}

function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PathologyReportError(`${where}: expected UTF-8 text, found invalid UTF-8 bytes (another encoding such as Windows-1252? declare it as charset in the contentType, or convert the file to UTF-8)`);
  }
}

function decodeBase64(data: string, where: string): Uint8Array {
  const compact = data.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw new PathologyReportError(`${where}: expected base64, found characters or length base64 does not allow`);
  return Buffer.from(compact, 'base64');
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/** A content type / extension for an error message: short and printable only. */
function sanitizeToken(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 60 ? `${clean.slice(0, 60)}...` : clean;
}
