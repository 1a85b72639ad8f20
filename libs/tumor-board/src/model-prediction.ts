// The joint model's latest prediction for a patient, read straight from the store (Prediction + ModelVersion,
// written by libs/fusion-model's prediction job), and the record views the summary cites:
//   "prediction/<id>"            the prediction as JSON: its model version, risk, percentile, and the stored
//                                 result (survival curve and band, contributions, similar patients);
//   "model-card/<modelVersionId>" the model card text as registered (its Limits section is quoted by span).
// The verifier looks both up through the same RecordLookup as every other record (store-lookup.ts).
import type { Store } from '@oncoboard/store';

export const PREDICTION_RECORD_PREFIX = 'prediction/';
export const MODEL_CARD_RECORD_PREFIX = 'model-card/';

export interface StoredPrediction {
  id: number;
  patientKey: string;
  createdAt: string;
  risk: number;
  riskPercentile: number;
  provider: string;
  /** resultJson parsed (libs/fusion-model's Prediction); {} when it is not valid JSON. */
  result: PredictionResult;
  modelVersion: { id: string; modelId: string; version: string; sha256: string; synthetic: boolean; card: string };
}

/** The parts of the stored result the summary reads (all optional: a result from another version may lack them). */
export interface PredictionResult {
  referenceCohortSize?: number;
  survival?: { timeUnit?: string; times?: number[]; survival?: number[]; lower?: number[]; upper?: number[]; band?: string };
  similarPatients?: { patientKey: string; distance: number; outcome?: { time: number; event: boolean; timeUnit: string } }[];
  similarity?: string;
}

type PredictionRow = {
  id: number;
  patientKey: string;
  createdAt: Date;
  risk: number;
  riskPercentile: number;
  provider: string;
  resultJson: string;
  modelVersion: { id: string; modelId: string; version: string; sha256: string; synthetic: boolean; card: string };
};

function toStored(row: PredictionRow): StoredPrediction {
  let result: PredictionResult = {};
  try {
    const parsed = JSON.parse(row.resultJson) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) result = parsed as PredictionResult;
  } catch {
    // An unreadable result: the summary states risk and percentile from the row's own columns only.
  }
  const mv = row.modelVersion;
  return {
    id: row.id,
    patientKey: row.patientKey,
    createdAt: row.createdAt.toISOString(),
    risk: row.risk,
    riskPercentile: row.riskPercentile,
    provider: row.provider,
    result,
    modelVersion: { id: mv.id, modelId: mv.modelId, version: mv.version, sha256: mv.sha256, synthetic: mv.synthetic, card: mv.card },
  };
}

const withModel = { modelVersion: { select: { id: true, modelId: true, version: true, sha256: true, synthetic: true, card: true } } } as const;

/** The patient's most recent prediction (any model version), or null. */
export async function latestPrediction(store: Pick<Store, 'prisma'>, patientKey: string): Promise<StoredPrediction | null> {
  const row = await store.prisma.prediction.findFirst({ where: { patientKey }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], include: withModel });
  return row ? toStored(row) : null;
}

export async function predictionById(store: Pick<Store, 'prisma'>, id: number): Promise<StoredPrediction | null> {
  const row = await store.prisma.prediction.findUnique({ where: { id }, include: withModel });
  return row ? toStored(row) : null;
}

export const predictionRecordKey = (id: number) => `${PREDICTION_RECORD_PREFIX}${id}`;
export const modelCardRecordKey = (modelVersionId: string) => `${MODEL_CARD_RECORD_PREFIX}${modelVersionId}`;

/** The JSON the summary cites for a prediction (stable key order: the same row gives the same text). */
export function predictionRecordContent(p: StoredPrediction): string {
  return JSON.stringify({
    id: p.id,
    patientKey: p.patientKey,
    createdAt: p.createdAt,
    modelVersion: { id: p.modelVersion.id, modelId: p.modelVersion.modelId, version: p.modelVersion.version, sha256: p.modelVersion.sha256, synthetic: p.modelVersion.synthetic },
    risk: p.risk,
    riskPercentile: p.riskPercentile,
    provider: p.provider,
    result: p.result,
  });
}

/** The bullet lines (or paragraph lines) of the card's "Limits"/"Limitations" section, with their spans in the card. */
export function modelLimits(card: string): { text: string; span: { start: number; end: number } }[] {
  const heading = /^#{1,6}\s*(limits|limitations)\b.*$/im.exec(card);
  if (!heading) return [];
  const out: { text: string; span: { start: number; end: number } }[] = [];
  let offset = heading.index + heading[0].length;
  for (const line of card.slice(offset).split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    if (/^#{1,6}\s/.test(line)) break;
    const item = /^\s*(?:[-*+]|\d+\.)?\s*(\S.*?)\s*$/.exec(line);
    if (!item?.[1]) continue;
    const start = lineStart + line.indexOf(item[1]);
    out.push({ text: item[1], span: { start, end: start + item[1].length } });
  }
  return out;
}
