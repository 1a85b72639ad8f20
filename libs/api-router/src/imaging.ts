// The imaging views of the API: a patient's imported DICOM series, and their measured lesions over time with a
// RECIST 1.1 target-lesion response. Reads what importImagingSeries (libs/ingest) wrote: `dicom-series` and
// `lesion-measurements` records and `lesion-measurement` facts.
import { recistResponse, type RecistTimepoint } from '@oncoboard/imaging';
import type { StoredFact, Store } from '@oncoboard/store';
import type { ImagingLesionsView, ImagingLesionValue, ImagingSeriesItem, ImagingTimepoint, RecistResponseItem } from './contract';

type Vec3 = [number, number, number];

function vec3(x: unknown): Vec3 | null {
  return Array.isArray(x) && x.length === 3 && x.every((v) => typeof v === 'number') ? (x as Vec3) : null;
}

function num(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

function parse(content: string): Record<string, unknown> {
  try {
    const value = JSON.parse(content) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export async function listImagingSeries(store: Store, patientKey: string): Promise<ImagingSeriesItem[]> {
  const [seriesRows, lesionRows] = await Promise.all([
    store.listPatientRecords(patientKey, 'dicom-series'),
    store.listPatientRecords(patientKey, 'lesion-measurements'),
  ]);
  const lesionKeys = new Map<string, string[]>();
  for (const row of lesionRows) {
    const seriesKey = parse(row.content).seriesKey;
    if (typeof seriesKey !== 'string') continue;
    lesionKeys.set(seriesKey, [...(lesionKeys.get(seriesKey) ?? []), row.key]);
  }
  const items = seriesRows.map((row): ImagingSeriesItem => {
    const c = parse(row.content);
    const geometry = (c.geometry ?? {}) as Record<string, unknown>;
    const dims = vec3(geometry.dims) ?? [0, 0, 0];
    const str = (x: unknown) => (typeof x === 'string' && x ? x : null);
    return {
      key: row.key,
      seriesInstanceUid: str(c.seriesInstanceUid) ?? row.key.replace(/^dicom\/series\//, ''),
      studyInstanceUid: str(c.studyInstanceUid) ?? '',
      modality: str(c.modality) ?? '',
      date: str(c.seriesDate) ?? str(c.studyDate),
      description: str(c.seriesDescription),
      dims,
      spacing: vec3(geometry.spacing) ?? [0, 0, 0],
      slices: dims[2],
      lesionRecordKeys: lesionKeys.get(row.key) ?? [],
    };
  });
  // Oldest first, undated last.
  return items.sort((a, b) => (a.date ?? '9999').localeCompare(b.date ?? '9999') || a.key.localeCompare(b.key));
}

function lesionValue(fact: StoredFact): ImagingLesionValue | null {
  const citation = fact.provenance[0];
  const volume = fact.value?.type === 'quantity' ? fact.value.quantity.value : null;
  if (!citation || volume === null) return null;
  const a = fact.attributes;
  return {
    seriesInstanceUid: typeof a.seriesInstanceUid === 'string' ? a.seriesInstanceUid : '',
    modality: typeof a.modality === 'string' ? a.modality : '',
    lesion: num(a.lesion) ?? 0,
    label: num(a.label) ?? 0,
    targetId: '',
    volumeMl: volume,
    longestDiameterMm: num(a.longestDiameterMm),
    shortAxisMm: num(a.shortAxisMm),
    centroidLps: vec3(a.centroidLps),
    text: `${volume.toFixed(1)} mL`,
    citation: { sourceRecordKey: citation.sourceRecordKey, elementPath: citation.elementPath },
  };
}

export async function buildImagingLesions(store: Store, patientKey: string): Promise<ImagingLesionsView> {
  const facts = await store.getFacts(patientKey, { kinds: ['lesion-measurement'] });
  const byDate = new Map<string | null, ImagingLesionValue[]>();
  for (const fact of facts) {
    const value = lesionValue(fact);
    if (!value) continue;
    const date = fact.effectiveStart ? fact.effectiveStart.slice(0, 10) : null;
    byDate.set(date, [...(byDate.get(date) ?? []), value]);
  }
  const timepoints: ImagingTimepoint[] = [...byDate.entries()]
    .sort(([a], [b]) => (a ?? '9999').localeCompare(b ?? '9999'))
    .map(([date, lesions]) => {
      // Target ids: the label; when a label occurs more than once at a timepoint, label.lesion.
      const counts = new Map<number, number>();
      for (const l of lesions) counts.set(l.label, (counts.get(l.label) ?? 0) + 1);
      for (const l of lesions) l.targetId = (counts.get(l.label) ?? 0) > 1 ? `L${l.label}.${l.lesion}` : `L${l.label}`;
      lesions.sort((x, y) => x.seriesInstanceUid.localeCompare(y.seriesInstanceUid) || x.lesion - y.lesion);
      return { date, seriesInstanceUids: [...new Set(lesions.map((l) => l.seriesInstanceUid))], lesions };
    });

  const dated = timepoints.filter((t): t is ImagingTimepoint & { date: string } => t.date !== null);
  const undatedNote = dated.length < timepoints.length ? ' Undated measurements are left out.' : '';
  if (dated.length < 2) {
    return {
      timepoints,
      response: null,
      responseNote: `No RECIST response: it needs a baseline and at least one follow-up, and ${dated.length === 0 ? 'no dated timepoint is' : 'only one dated timepoint is'} measured.${undatedNote}`,
    };
  }
  const baselineIds = new Set(dated[0]!.lesions.filter((l) => l.longestDiameterMm !== null).map((l) => l.targetId));
  const extra = new Map<number, string[]>();
  const recistInput: RecistTimepoint[] = dated.map((t, n) => {
    const outside = t.lesions.filter((l) => !baselineIds.has(l.targetId)).map((l) => l.targetId);
    if (n > 0 && outside.length > 0) extra.set(n, outside);
    return {
      date: t.date,
      targets: t.lesions.filter((l) => baselineIds.has(l.targetId)).map((l) => ({ id: l.targetId, longestDiameterMm: l.longestDiameterMm })),
    };
  });
  try {
    const results = recistResponse(recistInput);
    const response: RecistResponseItem[] = results.map((r, n) => ({
      date: r.date,
      sumMm: r.sumMm,
      changeFromBaselinePct: r.changeFromBaselinePct,
      nadirMm: r.nadirMm,
      response: r.response,
      reasons: [...r.reasons, ...(extra.has(n) ? [`not counted: ${extra.get(n)!.join(', ')} not among the baseline targets (new lesions are not judged automatically)`] : [])],
      missingTargets: r.missingTargets,
    }));
    return {
      timepoints,
      response,
      responseNote: `RECIST 1.1 target-lesion response: baseline ${dated[0]!.date}, targets ${[...baselineIds].join(', ')} by mask label, longest axial diameters; non-target and new lesions, and confirmation, are not assessed.${undatedNote}`,
    };
  } catch (error) {
    return { timepoints, response: null, responseNote: `No RECIST response: ${(error as Error).message}${undatedNote}` };
  }
}
