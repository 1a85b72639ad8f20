import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { htmlToText } from './html-text';
import { PathologyReportError, readDiagnosticReport, readReportFile } from './report-text';
import { LUNG_WEDGE_PDF_LINES, lungWedgePdf } from './testing/fixture-pdf';
import { writeMinimalPdf } from './testing/minimal-pdf';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');
const fixture = (name: string) => join(FIXTURES, name);
const gastric = () => JSON.parse(readFileSync(fixture('gastric-biopsy.diagnostic-report.json'), 'utf8')) as Record<string, unknown> & { presentedForm: Record<string, unknown>[] };
const tmp = mkdtempSync(join(tmpdir(), 'pathology-report-text-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');

/** The rejection message of a promise (fails the test when it resolves). */
async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PathologyReportError);
    return (error as Error).message;
  }
  throw new Error('expected a PathologyReportError');
}

describe('readDiagnosticReport', () => {
  it('reads the conclusion and the text/plain and text/html presentedForm, each with its place', async () => {
    const doc = await readReportFile(fixture('gastric-biopsy.diagnostic-report.json'));
    expect(doc).toMatchObject({
      source: 'DiagnosticReport/synth-gastric-biopsy-1',
      file: fixture('gastric-biopsy.diagnostic-report.json'),
      resourceType: 'DiagnosticReport',
      id: 'synth-gastric-biopsy-1',
      patientKey: 'Patient/synth-gastric-1',
      status: 'final',
      code: { system: 'http://loinc.org', code: '11526-1', display: 'Pathology study' },
      date: '2026-05-12',
      issued: '2026-05-14T10:00:00Z',
    });
    expect(doc.texts.map((t) => [t.elementPath, t.contentType, t.derivation, t.source])).toEqual([
      ['DiagnosticReport.conclusion', 'text/plain', 'verbatim', 'DiagnosticReport/synth-gastric-biopsy-1'],
      ['DiagnosticReport.presentedForm[0]', 'text/plain', 'verbatim', 'DiagnosticReport/synth-gastric-biopsy-1'],
      ['DiagnosticReport.presentedForm[1]', 'text/html', 'html-to-text', 'DiagnosticReport/synth-gastric-biopsy-1'],
    ]);
    const json = gastric();
    expect(doc.texts[0]?.text).toBe(json.conclusion);
    expect(doc.texts[1]?.text).toBe(Buffer.from(json.presentedForm[0]?.data as string, 'base64').toString('utf8'));
    expect(doc.texts[1]).toMatchObject({ title: 'Surgical pathology report', language: 'en' });
    expect(doc.texts[1]?.sourceBytes).toBeUndefined();
    expect(doc.texts[2]?.text).toBe(
      [
        'FINAL DIAGNOSIS',
        'STOMACH, ANTRUM, ENDOSCOPIC BIOPSY:',
        '- ADENOCARCINOMA, POORLY DIFFERENTIATED, WITH SIGNET RING CELL FEATURES.',
        'BIOMARKER RESULTS',
        'HER2 (IHC, 4B5): Positive (3+)',
        'PD-L1 (22C3): Combined Positive Score (CPS) ≥ 10 – reported value 12',
        'Mismatch repair proteins: Intact (proficient, pMMR)',
        'Synthetic report written for OncoBoard tests & no real patient.',
      ].join('\n'),
    );
    expect(Buffer.from(doc.texts[2]?.sourceBytes ?? []).toString('utf8')).toContain('<h2>FINAL DIAGNOSIS</h2>');
    expect(doc.texts[1]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads the text layer of an application/pdf attachment', async () => {
    const doc = await readDiagnosticReport({ resourceType: 'DiagnosticReport', id: 'pdf-1', presentedForm: [{ contentType: 'application/pdf', data: b64(lungWedgePdf()) }] });
    expect(doc.texts).toHaveLength(1);
    expect(doc.texts[0]).toMatchObject({ elementPath: 'DiagnosticReport.presentedForm[0]', contentType: 'application/pdf', derivation: 'pdf-text-layer', pages: 1 });
    expect(doc.texts[0]?.text.split('\n')[3]).toBe('FINAL DIAGNOSIS:');
  });

  it.each([
    ['a non-object', [], 'resource: expected a DiagnosticReport object, found an array'],
    ['another resource type', { resourceType: 'Observation', id: 'x' }, 'resourceType: expected "DiagnosticReport", found "Observation"'],
    ['a bad id', { resourceType: 'DiagnosticReport', id: 'a b', conclusion: 'x' }, 'DiagnosticReport.id: expected an id of 1-64 letters, digits, "-" or ".", found a string'],
    ['presentedForm not an array', { resourceType: 'DiagnosticReport', id: 'abc', presentedForm: {} }, 'DiagnosticReport/abc.presentedForm: expected array, found an object'],
    ['neither conclusion nor form', { resourceType: 'DiagnosticReport', id: 'abc', status: 'final' }, 'DiagnosticReport/abc: expected a conclusion or a presentedForm, found neither'],
    ['an image attachment', { resourceType: 'DiagnosticReport', id: 'abc', presentedForm: [{ contentType: 'text/plain', data: b64('ok') }, { contentType: 'image/png', data: b64('png') }] }, 'DiagnosticReport/abc.presentedForm[1].contentType: expected text/plain, text/html or application/pdf, found image/png'],
    ['no content type', { resourceType: 'DiagnosticReport', id: 'abc', presentedForm: [{ data: b64('x') }] }, 'DiagnosticReport/abc.presentedForm[0].contentType: expected text/plain, text/html or application/pdf, found nothing'],
    ['a url-only attachment', { resourceType: 'DiagnosticReport', id: 'abc', presentedForm: [{ contentType: 'application/pdf', url: 'Binary/1' }] }, 'DiagnosticReport/abc.presentedForm[0].data: expected base64 data, found only a url (attachments by url are not fetched)'],
    ['invalid base64', { resourceType: 'DiagnosticReport', id: 'abc', presentedForm: [{ contentType: 'text/plain', data: 'SECRET TEXT!' }] }, 'DiagnosticReport/abc.presentedForm[0].data: expected base64, found characters or length base64 does not allow'],
    ['invalid UTF-8', { resourceType: 'DiagnosticReport', id: 'abc', presentedForm: [{ contentType: 'text/plain', data: b64(new Uint8Array([0x41, 0xff, 0xfe])) }] }, 'DiagnosticReport/abc.presentedForm[0]: expected UTF-8 text, found invalid UTF-8 bytes (another encoding such as Windows-1252? declare it as charset in the contentType, or convert the file to UTF-8)'],
    ['not a PDF', { resourceType: 'DiagnosticReport', id: 'abc', presentedForm: [{ contentType: 'application/pdf', data: b64('Patient SECRET has cancer') }] }, 'DiagnosticReport/abc.presentedForm[0]: expected a PDF (starting "%PDF-"), found other bytes'],
    ['a broken PDF', { resourceType: 'DiagnosticReport', id: 'abc', presentedForm: [{ contentType: 'application/pdf', data: b64('%PDF-1.4\nSECRET garbage') }] }, 'DiagnosticReport/abc.presentedForm[0]: expected a readable PDF, found one pdf.js cannot read (InvalidPDFException)'],
    ['a PDF without text', { resourceType: 'DiagnosticReport', id: 'abc', presentedForm: [{ contentType: 'application/pdf', data: b64(writeMinimalPdf([[]])) }] }, 'DiagnosticReport/abc.presentedForm[0]: expected report text, found a PDF without a text layer (scanned? no OCR here)'],
    ['an empty text', { resourceType: 'DiagnosticReport', id: 'abc', presentedForm: [{ contentType: 'text/plain', data: b64('  \n') }] }, 'DiagnosticReport/abc.presentedForm[0]: expected report text, found empty text'],
  ])('rejects %s with a message naming the place, never the text', async (_name, resource, message) => {
    const got = await errorOf(readDiagnosticReport(resource));
    expect(got).toBe(message);
    expect(got).not.toContain('SECRET');
  });

  it('names the file in errors when the resource came from one', async () => {
    const file = join(tmp, 'report.json');
    writeFileSync(file, JSON.stringify({ resourceType: 'DiagnosticReport', id: 'abc', presentedForm: [{ contentType: 'image/jpeg', data: 'AAAA' }] }));
    expect(await errorOf(readReportFile(file))).toBe(`${file}: DiagnosticReport/abc.presentedForm[0].contentType: expected text/plain, text/html or application/pdf, found image/jpeg`);
  });
});

describe('readReportFile', () => {
  it('keeps a .txt report verbatim (spans index into exactly these characters)', async () => {
    const doc = await readReportFile(fixture('breast-core-biopsy.txt'));
    expect(doc.texts).toHaveLength(1);
    expect(doc.texts[0]?.text).toBe(readFileSync(fixture('breast-core-biopsy.txt'), 'utf8'));
    expect(doc).toMatchObject({ source: fixture('breast-core-biopsy.txt'), file: fixture('breast-core-biopsy.txt') });
    expect(doc.texts[0]).toMatchObject({ elementPath: '', contentType: 'text/plain', derivation: 'verbatim', title: 'breast-core-biopsy.txt' });
    expect(doc.patientKey).toBeUndefined();
  });

  it('reads the committed PDF fixture, which is exactly what writeMinimalPdf makes', async () => {
    expect(new Uint8Array(readFileSync(fixture('lung-wedge-resection.pdf')))).toEqual(lungWedgePdf());
    const doc = await readReportFile(fixture('lung-wedge-resection.pdf'));
    const lines = doc.texts[0]?.text.split('\n') ?? [];
    // pdf.js collapses runs of spaces inside a line; every other character is kept
    expect(lines).toEqual(LUNG_WEDGE_PDF_LINES.map((l) => l.replace(/ {2,}/g, ' ')));
    expect(doc.texts[0]?.sourceBytes?.length).toBe(readFileSync(fixture('lung-wedge-resection.pdf')).length);
  });

  it('drops a byte-order mark and nothing else', async () => {
    const file = join(tmp, 'bom.txt');
    writeFileSync(file, '\uFEFFDIAGNOSIS:\r\nInvasive carcinoma.\r\n');
    expect((await readReportFile(file)).texts[0]?.text).toBe('DIAGNOSIS:\r\nInvasive carcinoma.\r\n');
  });

  it('rejects unknown extensions, missing files, invalid JSON and empty files', async () => {
    const docx = join(tmp, 'report.docx');
    writeFileSync(docx, 'x');
    expect(await errorOf(readReportFile(docx))).toBe(`${docx}: expected a .txt, .html, .pdf or .json (DiagnosticReport) file, found ".docx"`);
    expect(await errorOf(readReportFile(join(tmp, 'missing.txt')))).toBe(`${join(tmp, 'missing.txt')}: cannot read file (no such file)`);
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"resourceType": "DiagnosticReport", SECRET');
    expect(await errorOf(readReportFile(bad))).toBe(`${bad}: expected JSON (a FHIR DiagnosticReport), found invalid JSON`);
    const empty = join(tmp, 'empty.txt');
    writeFileSync(empty, '\n\n');
    expect(await errorOf(readReportFile(empty))).toBe(`${empty}: expected report text, found an empty file`);
  });
});

describe('htmlToText', () => {
  it('ends lines at blocks and <br>, drops scripts and comments, decodes references', () => {
    expect(htmlToText('<div>A&amp;B<br>C&#160;D &#x3E; 1</div><script>x()</script><!-- note --><ul><li>one</li><li>two</li></ul>')).toBe('A&B\nC D > 1\none\ntwo');
  });
});
