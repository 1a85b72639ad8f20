// A DICOMweb client: QIDO-RS (search), WADO-RS (retrieve), STOW-RS (store), on fetch, against any PACS that
// speaks them (tested against Orthanc with its DICOMweb plugin). Errors name the request and the status, never
// the patient: QIDO answers carry names and ids, and they stay in the returned data.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boundaryOf, buildMultipart, parseMultipart } from './multipart';

/** One dataset in the DICOM JSON model (PS3.18 F.2): tag "0020000D" → { vr, Value }. */
export type DicomJson = Record<string, { vr: string; Value?: unknown[]; InlineBinary?: string; BulkDataURI?: string }>;

export const TAG = {
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SOPInstanceUID: '00080018',
  Modality: '00080060',
  StudyDate: '00080020',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  SeriesNumber: '00200011',
  NumberOfSeriesRelatedInstances: '00201209',
  NumberOfStudyRelatedInstances: '00201208',
  FailedSOPSequence: '00081198',
  ReferencedSOPSequence: '00081199',
} as const;

/** The first value of a tag as a string (person names as their Alphabetic form), or undefined. */
export function dicomValue(dataset: DicomJson, tag: string): string | undefined {
  const value = dataset[tag]?.Value?.[0];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && 'Alphabetic' in (value as object)) return String((value as { Alphabetic: unknown }).Alphabetic);
  return String(value);
}

export class DicomWebError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DicomWebError';
  }
}

export interface DicomWebClientOptions {
  /** Extra headers, e.g. Authorization. */
  headers?: Record<string, string>;
  /** Per request (default 60 s). */
  timeoutMs?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

export class DicomWebClient {
  readonly root: string;
  readonly #options: DicomWebClientOptions;

  /** `root`: the DICOMweb base URL, e.g. http://127.0.0.1:8042/dicom-web */
  constructor(root: string, options: DicomWebClientOptions = {}) {
    let url: URL;
    try {
      url = new URL(root);
    } catch {
      throw new DicomWebError(`DICOMweb root: expected an http(s) URL, found "${root}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DicomWebError(`DICOMweb root: expected an http(s) URL, found "${root}"`);
    this.root = root.replace(/\/+$/, '');
    this.#options = options;
  }

  async #request(method: 'GET' | 'POST', path: string, init: { accept: string; body?: Buffer; contentType?: string; query?: Query }): Promise<Response> {
    const url = new URL(`${this.root}${path}`);
    for (const [key, value] of Object.entries(init.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const what = `${method} ${url.pathname}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { accept: init.accept, ...(init.contentType ? { 'content-type': init.contentType } : {}), ...this.#options.headers },
        body: init.body ? new Uint8Array(init.body) : undefined,
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 60_000),
      });
    } catch (error) {
      throw new DicomWebError(`${what} on ${url.host}: ${(error as Error).message}`);
    }
    if (!response.ok && response.status !== 204) {
      const detail = (await response.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ');
      throw new DicomWebError(`${what} on ${url.host}: HTTP ${response.status} ${response.statusText}${detail ? ` (${detail})` : ''}`, response.status);
    }
    return response;
  }

  async #search(path: string, query: Query = {}): Promise<DicomJson[]> {
    const response = await this.#request('GET', path, { accept: 'application/dicom+json', query });
    if (response.status === 204) return [];
    const text = await response.text();
    if (!text.trim()) return [];
    const data = JSON.parse(text) as unknown;
    if (!Array.isArray(data)) throw new DicomWebError(`GET ${path}: expected a JSON array of datasets`);
    return data as DicomJson[];
  }

  /** QIDO-RS studies, e.g. { PatientID: '123', StudyDate: '20200101-20201231', includefield: 'all' }. */
  searchStudies(query: Query = {}): Promise<DicomJson[]> {
    return this.#search('/studies', query);
  }

  /** QIDO-RS series, of one study or all. */
  searchSeries(studyInstanceUid?: string, query: Query = {}): Promise<DicomJson[]> {
    return this.#search(studyInstanceUid ? `/studies/${encodeURIComponent(studyInstanceUid)}/series` : '/series', query);
  }

  /** QIDO-RS instances of one series. */
  searchInstances(studyInstanceUid: string, seriesInstanceUid: string, query: Query = {}): Promise<DicomJson[]> {
    return this.#search(`/studies/${encodeURIComponent(studyInstanceUid)}/series/${encodeURIComponent(seriesInstanceUid)}/instances`, query);
  }

  async #retrieve(path: string): Promise<Buffer[]> {
    // transfer-syntax=* : the instances as stored, without transcoding.
    const response = await this.#request('GET', path, { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' });
    const boundary = boundaryOf(response.headers.get('content-type'));
    if (!boundary) throw new DicomWebError(`GET ${path}: expected a multipart/related answer, got "${response.headers.get('content-type') ?? 'no content type'}"`);
    return parseMultipart(Buffer.from(await response.arrayBuffer()), boundary, `GET ${path}`).map((part) => Buffer.from(part.body));
  }

  /** WADO-RS: every instance of a series, as DICOM Part-10 bytes. */
  retrieveSeries(studyInstanceUid: string, seriesInstanceUid: string): Promise<Buffer[]> {
    return this.#retrieve(`/studies/${encodeURIComponent(studyInstanceUid)}/series/${encodeURIComponent(seriesInstanceUid)}`);
  }

  /** WADO-RS: one instance, as DICOM Part-10 bytes. */
  async retrieveInstance(studyInstanceUid: string, seriesInstanceUid: string, sopInstanceUid: string): Promise<Buffer> {
    const parts = await this.#retrieve(`/studies/${encodeURIComponent(studyInstanceUid)}/series/${encodeURIComponent(seriesInstanceUid)}/instances/${encodeURIComponent(sopInstanceUid)}`);
    if (parts.length !== 1) throw new DicomWebError(`WADO-RS instance ${sopInstanceUid}: expected 1 part, got ${parts.length}`);
    return parts[0]!;
  }

  /**
   * WADO-RS a series into a folder (one file per instance, named by SOP Instance UID order of arrival), for the
   * DICOM series reader. Returns the file paths.
   */
  async downloadSeries(studyInstanceUid: string, seriesInstanceUid: string, folder: string): Promise<string[]> {
    const instances = await this.retrieveSeries(studyInstanceUid, seriesInstanceUid);
    mkdirSync(folder, { recursive: true });
    return instances.map((bytes, index) => {
      const file = join(folder, `instance-${String(index + 1).padStart(5, '0')}.dcm`);
      writeFileSync(file, bytes);
      return file;
    });
  }

  /**
   * STOW-RS: stores DICOM Part-10 instances. Throws when the server reports any instance as failed (naming how
   * many and their failure reasons), so a partial store is never taken for success.
   */
  async store(instances: readonly Uint8Array[], studyInstanceUid?: string): Promise<{ stored: number; response: DicomJson }> {
    if (instances.length === 0) throw new DicomWebError('STOW-RS: nothing to store (no instances given)');
    const { body, contentType } = buildMultipart(instances);
    const path = studyInstanceUid ? `/studies/${encodeURIComponent(studyInstanceUid)}` : '/studies';
    const response = await this.#request('POST', path, { accept: 'application/dicom+json', body, contentType });
    const text = await response.text();
    const answer = (text.trim() ? JSON.parse(text) : {}) as DicomJson;
    const failed = (answer[TAG.FailedSOPSequence]?.Value ?? []) as DicomJson[];
    if (failed.length > 0) {
      const reasons = [...new Set(failed.map((f) => dicomValue(f, '00081197') ?? '?'))].join(', ');
      throw new DicomWebError(`STOW-RS ${path}: ${failed.length} of ${instances.length} instances were refused (failure reasons ${reasons})`);
    }
    const stored = ((answer[TAG.ReferencedSOPSequence]?.Value ?? []) as unknown[]).length;
    return { stored, response: answer };
  }
}
