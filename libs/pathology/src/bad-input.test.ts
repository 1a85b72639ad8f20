// Issue 4, bad input: empty reports, binary junk, a 50 MB text, unsupported encodings, a PDF without a text layer —
// each gives a clear error (PathologyReportError naming the input and the place) or an explicit empty result,
// never a crash or a hang. Real files in a temporary folder; no mocks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractFindings } from './extract/extract-findings';
import { MAX_REPORT_CHARS, PathologyReportError, readDiagnosticReport, readReportFile } from './report-text';
import { writeMinimalPdf } from './testing/minimal-pdf';

const tmp = mkdtempSync(join(tmpdir(), 'pathology-bad-input-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};
const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');
const form = (contentType: string, data: string | Uint8Array) => ({ resourceType: 'DiagnosticReport', id: 'bad-1', presentedForm: [{ contentType, data: b64(data) }] });

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PathologyReportError);
    return (error as Error).message;
  }
  throw new Error('expected a PathologyReportError');
}

const REPORT = 'FINAL DIAGNOSIS:\nRight breast, lumpectomy:\n- Invasive ductal carcinoma, grade 2, 1.6 cm.\n- No lymphovascular invasion identified.\n';

describe('empty reports', () => {
  it('extraction of empty or blank text is an explicit empty result', () => {
    for (const text of ['', ' \n\t\n', '\n\n\n']) expect(extractFindings(text)).toEqual({ text, sections: [], findings: [] });
  });

  it('reading an empty file or attachment is an error naming it', async () => {
    const empty = file('empty.txt', '');
    expect(await errorOf(readReportFile(empty))).toBe(`${empty}: expected report text, found an empty file`);
    expect(await errorOf(readDiagnosticReport(form('text/plain', '')))).toBe('DiagnosticReport/bad-1.presentedForm[0]: expected report text, found empty text');
  });
});

describe('binary junk', () => {
  it('rejects a binary file named .txt (NUL bytes, control characters, invalid UTF-8) without quoting it', async () => {
    const nul = file('image.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    expect(await errorOf(readReportFile(nul))).toMatch(/image\.txt: expected UTF-8 text, found invalid UTF-8 bytes/);
    const control = file('control.txt', Buffer.from(Array.from({ length: 400 }, (_, i) => String.fromCharCode(1 + (i % 8))).join('')));
    expect(await errorOf(readReportFile(control))).toBe(`${control}: expected report text, found binary data (100% control or undecodable characters)`);
    expect(await errorOf(readDiagnosticReport(form('text/plain', 'ab\u0000cd')))).toBe('DiagnosticReport/bad-1.presentedForm[0]: expected report text, found binary data (NUL bytes)');
  });

  it('extraction of junk that got through as text finds nothing and returns', () => {
    const junk = Array.from({ length: 200_000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join('');
    const started = performance.now();
    const report = extractFindings(junk);
    expect(report.text).toBe(junk);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('a 50 MB text', () => {
  const big = REPORT.repeat(Math.ceil(50_000_000 / REPORT.length));

  it('is refused by extraction at once with a clear error (the cap), not read for minutes', () => {
    const started = performance.now();
    expect(() => extractFindings(big)).toThrow(new PathologyReportError(`text: expected a report of at most ${MAX_REPORT_CHARS.toLocaleString('en-US')} characters, found ${big.length.toLocaleString('en-US')} (split it into reports)`));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('is refused when read from a file, the error naming the file', async () => {
    const path = file('huge.txt', big);
    expect(await errorOf(readReportFile(path))).toBe(`${path}: expected a report of at most ${MAX_REPORT_CHARS.toLocaleString('en-US')} characters, found ${big.length.toLocaleString('en-US')} (split it into reports)`);
  });

  it('extraction time grows linearly below the cap (a sentence-less run is read in bounded windows)', () => {
    const time = (text: string) => {
      const started = performance.now();
      extractFindings(text);
      return performance.now() - started;
    };
    time(REPORT.repeat(50));
    const small = time(REPORT.repeat(200));
    const large = time(REPORT.repeat(800));
    // 4x the text: well under 4x squared; allow noise from a shared machine
    expect(large / small).toBeLessThan(10);
    const runOn = 'carcinoma 1.2 cm margin 3 mm lymph nodes 2/14 '.repeat(5_000);
    expect(time(runOn)).toBeLessThan(15_000);
  }, 60_000);
});

describe('unsupported and other encodings', () => {
  it('decodes UTF-16 with a byte-order mark and a declared iso-8859-1 charset', async () => {
    const utf16 = file('utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(REPORT, 'utf16le')]));
    expect((await readReportFile(utf16)).texts[0]?.text).toBe(REPORT);
    const latin1 = await readDiagnosticReport({ resourceType: 'DiagnosticReport', id: 'l1', presentedForm: [{ contentType: 'text/plain; charset=ISO-8859-1', data: Buffer.from('Tumour size: 1,6 cm; r\u00e9sum\u00e9\n', 'latin1').toString('base64') }] });
    expect(latin1.texts[0]?.text).toBe('Tumour size: 1,6 cm; r\u00e9sum\u00e9\n');
  });

  it('rejects UTF-32, an unknown declared charset and Latin-1 bytes sent as UTF-8, naming what it found', async () => {
    const utf32 = file('utf32.txt', new Uint8Array([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]));
    expect(await errorOf(readReportFile(utf32))).toBe(`${utf32}: expected UTF-8 text, found UTF-32 text (byte-order mark); convert it to UTF-8`);
    expect(await errorOf(readDiagnosticReport({ resourceType: 'DiagnosticReport', id: 'e1', presentedForm: [{ contentType: 'text/plain; charset=EBCDIC-US', data: b64('x') }] }))).toBe('DiagnosticReport/e1.presentedForm[0]: expected charset utf-8, utf-16 or iso-8859-1/windows-1252, found EBCDIC-US');
    const latin = file('latin.txt', Buffer.from('Tumeur de 1,6 cm, r\u00e9section\n', 'latin1'));
    expect(await errorOf(readReportFile(latin))).toMatch(/latin\.txt: expected UTF-8 text, found invalid UTF-8 bytes \(another encoding such as Windows-1252\?/);
  });
});

describe('a PDF without a text layer', () => {
  it('is an error saying so (scanned, no OCR), from a file and from a FHIR attachment', async () => {
    const scanned = file('scanned.pdf', writeMinimalPdf([[]]));
    expect(await errorOf(readReportFile(scanned))).toBe(`${scanned}: expected report text, found a PDF without a text layer (scanned? no OCR here)`);
    expect(await errorOf(readDiagnosticReport(form('application/pdf', writeMinimalPdf([[]]))))).toBe('DiagnosticReport/bad-1.presentedForm[0]: expected report text, found a PDF without a text layer (scanned? no OCR here)');
  });

  it('a file that claims to be a PDF but is not is an error too', async () => {
    const fake = file('fake.pdf', 'not a pdf at all');
    expect(await errorOf(readReportFile(fake))).toBe(`${fake}: expected a PDF (starting "%PDF-"), found other bytes`);
  });
});
