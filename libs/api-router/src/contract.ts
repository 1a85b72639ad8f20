/**
 * What the OncoBoard API returns to its clients (apps/web, scripts). Every clinical value carries a citation:
 * the source record it came from and the element inside it, so the UI can link each value to its evidence.
 */
import type { Coding, TimelineCategory } from '@oncoboard/facts';

export interface Citation {
  /** Store key of the verbatim source record, e.g. "fhir/Observation/abc". */
  sourceRecordKey: string;
  /** Element path inside the record, e.g. "Observation.valueCodeableConcept". */
  elementPath: string;
}

export interface CitedValue {
  text: string;
  coding?: Coding;
  citation: Citation;
}

export interface PatientListItem {
  key: string;
  displayName?: string;
  birthDate?: string;
  gender?: string;
  identifiers: { system?: string; value: string }[];
  primaryCancer?: string;
  stage?: string;
  factCount: number;
  eventCount: number;
}

export interface StageSummary {
  stageType: 'clinical' | 'pathological' | 'unspecified';
  group?: CitedValue;
  t?: CitedValue;
  n?: CitedValue;
  m?: CitedValue;
  /** e.g. "AJCC 8th edition" when the source states the staging system. */
  system?: string;
  date?: string;
}

export interface CancerConditionSummary {
  kind: 'primary' | 'secondary';
  diagnosis: CitedValue;
  bodySite?: CitedValue;
  laterality?: CitedValue;
  histology?: CitedValue;
  onset?: string;
  clinicalStatus?: string;
  verificationStatus?: string;
  stages: StageSummary[];
}

export interface BiomarkerSummary {
  marker: string;
  value: CitedValue;
  interpretation?: string;
  date?: string;
}

export interface TreatmentSummary {
  kind: 'medication-request' | 'medication-administration' | 'surgery' | 'radiotherapy';
  name: CitedValue;
  start?: string;
  end?: string;
  status?: string;
  intent?: string;
}

export interface PatientOverview {
  patient: {
    key: string;
    displayName?: string;
    birthDate?: string;
    gender?: string;
    deceasedAt?: string;
    identifiers: { system?: string; value: string }[];
    /** The Patient record itself, when it has been imported. */
    sourceRecordKey?: string;
  };
  conditions: CancerConditionSummary[];
  /** Stage observations that name no condition, or whose condition is not in the store. */
  unlinkedStages: StageSummary[];
  biomarkers: BiomarkerSummary[];
  treatments: TreatmentSummary[];
  performanceStatus: { scale: 'ECOG' | 'Karnofsky'; value: CitedValue; date?: string }[];
  /** Most recent first. */
  diseaseStatus: { value: CitedValue; date?: string }[];
  genomicVariants: { gene?: string; change: CitedValue; significance?: string; date?: string }[];
  counts: { facts: number; events: number };
}

export interface TimelineItem {
  id: string;
  category: TimelineCategory;
  start?: string;
  end?: string;
  title: string;
  detail?: string;
  citation: Citation;
}

export interface TimelinePage {
  items: TimelineItem[];
  nextCursor?: string;
  total: number;
  undatedCount: number;
}

export interface SourceRecordView {
  key: string;
  kind: string;
  resourceType: string;
  resourceId: string;
  patientKey?: string;
  /** Verbatim text as imported (FHIR JSON for FHIR records). */
  content: string;
  contentHash: string;
  origin: string;
  originLocation: string;
  version: number;
  importedAt: string;
  history: { version: number; contentHash: string; origin: string; importedAt: string; supersededAt: string }[];
}

export interface ImportSummary {
  runId: string;
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Validation and read problems, OperationOutcome-shaped, without patient data. */
  issues: { file: string; place: string; severity: 'error' | 'warning'; elementPath?: string; message: string }[];
}

/** One DICOM series imported for a patient (`oncoboard imaging-import`); pixels stay in the files it names. */
export interface ImagingSeriesItem {
  /** Store key of the series record, "dicom/series/<SeriesInstanceUID>". */
  key: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  modality: string;
  /** ISO date: SeriesDate, else StudyDate; null when the files state neither. */
  date: string | null;
  description: string | null;
  dims: [number, number, number];
  spacing: [number, number, number];
  slices: number;
  /** Keys of the lesion-measurements records drawn on this series (one per mask imported). */
  lesionRecordKeys: string[];
  /**
   * The axial slice through each measured lesion's centroid (from the series geometry), so a view of a cited
   * lesion opens on it: { record key, index in the record's lesions[], slice index }.
   */
  lesionSlices: { recordKey: string; lesionIndex: number; axialIndex: number }[];
}

/** One measured lesion; every number cites the lesion-measurements record element it came from. */
export interface ImagingLesionValue {
  seriesInstanceUid: string;
  modality: string;
  /** Connected-component number within its mask (1..n). */
  lesion: number;
  /** The mask's label value at the lesion. */
  label: number;
  /** The id used for RECIST: "L<label>" (with ".<lesion>" when one mask has several lesions of that label). */
  targetId: string;
  volumeMl: number;
  longestDiameterMm: number | null;
  shortAxisMm: number | null;
  centroidLps: [number, number, number] | null;
  /** e.g. "5.1 mL". */
  text: string;
  /** The lesion in the lesion-measurements record: { sourceRecordKey, elementPath: "lesions[i]" }. */
  citation: Citation;
}

export interface ImagingTimepoint {
  /** ISO date of the series; null for series without a date (they are left out of the RECIST response). */
  date: string | null;
  seriesInstanceUids: string[];
  lesions: ImagingLesionValue[];
}

export interface RecistResponseItem {
  date: string;
  sumMm: number;
  changeFromBaselinePct: number | null;
  nadirMm: number | null;
  response: 'BASELINE' | 'CR' | 'PR' | 'SD' | 'PD' | 'NE';
  reasons: string[];
  missingTargets: string[];
}

export interface ImagingLesionsView {
  /** Oldest first; undated last. */
  timepoints: ImagingTimepoint[];
  /**
   * RECIST 1.1 target-lesion response over the dated timepoints (lesion labels as target ids, longest axial
   * diameters); null when there are fewer than two dated timepoints (responseNote says why).
   */
  response: RecistResponseItem[] | null;
  responseNote: string;
}

/**
 * One 2-D slice of a stored series (imaging.slice). Values are the volume's real-world values (CT: HU), row-major,
 * `width` values per row, first row at the top; base64 of little-endian Int16 (dtype "int16", when the series
 * volume is Int16) or Float32 (dtype "float32"). Planes are taken along the volume's voxel axes: axial = fixed k
 * (rows j, columns i), coronal = fixed j (rows k, columns i), sagittal = fixed i (rows k, columns j); for a usual
 * axial acquisition that is what the names say. Coronal and sagittal rows are flipped so the head (highest k) is on top.
 */
export interface ImagingSlice {
  seriesKey: string;
  plane: 'axial' | 'coronal' | 'sagittal';
  width: number;
  height: number;
  /** This slice's index, 0..count-1. */
  index: number;
  count: number;
  /** Millimetres between pixel centres along a row (x) and down a column (y). */
  pixelSpacing: [number, number];
  dtype: 'int16' | 'float32';
  values: string;
  /** Smallest and largest value of the whole volume (for a stable auto window). */
  min: number;
  max: number;
  /** base64 of Uint8 labels (0 = none), width·height, same layout as values; present when lesionRecordKey was given. */
  mask?: string;
}
