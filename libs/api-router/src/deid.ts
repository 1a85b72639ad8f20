// De-identified export over tRPC (issue 8): a FHIR Bundle of the chosen patients (or a board's cases) with their
// report texts as masked DocumentReferences, made by libs/deid one patient at a time. DICOM stays on the CLI
// (`oncoboard deid-export`): images are too large for one API answer. The key comes only from the server's
// environment (ONCOBOARD_DEID_KEY). Each exported patient needs the caller's access (care team or board seat),
// and each is audited with action E ("export"); a failed or refused export writes one record (outcome 4/8).
import { holdsBoardSeat, recordAuditEvent, recordAuditEvents, type AuditEventInput } from '@oncoboard/auth';
import { CohortDeidExporter, DeidKeyError, loadDeidKey, referencedSharedResources, type CohortManifest, type CohortPatientInput, type DeidExport, type DeidKey } from '@oncoboard/deid';
import type { Store } from '@oncoboard/store';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { requirePatientAccess } from './patient-data';
import { authorized, router, type AuthorizedContext } from './trpc';

/** At most this many patients in one web export; larger cohorts go through the CLI. */
export const MAX_DEID_EXPORT_PATIENTS = 50;
/** Default size limit of one answer (the JSON a browser holds in memory and saves). */
export const DEFAULT_DEID_EXPORT_MAX_BYTES = 20 * 1024 * 1024;
/** Overrides the size limit (bytes), for a server with more room. */
export const DEID_EXPORT_MAX_BYTES_ENV = 'ONCOBOARD_DEID_EXPORT_MAX_BYTES';

const patientKey = z.string().regex(/^Patient\/[A-Za-z0-9\-.]{1,64}$/, 'expected a patient key like "Patient/<id>"');
const boardId = z.string().regex(/^board-[0-9a-f-]{36}$/, 'expected a board id like "board-<uuid>"');

export const deidExportInput = z
  .object({
    patientKeys: z.array(patientKey).min(1).max(MAX_DEID_EXPORT_PATIENTS, `at most ${MAX_DEID_EXPORT_PATIENTS} patients per web export; use the CLI (oncoboard deid-export) for more`).optional(),
    boardId: boardId.optional(),
  })
  .refine((v) => (v.patientKeys ? 1 : 0) + (v.boardId ? 1 : 0) === 1, { message: 'expected patientKeys or boardId (one of them)' });

export interface DeidExportAnswer {
  /** A collection Bundle: every patient's resources, the shared ones once, and report texts as DocumentReferences. */
  bundle: DeidExport['bundle'];
  manifest: CohortManifest;
  /** The size of the bundle as JSON, in bytes. */
  bytes: number;
}

function maxBytes(env: Record<string, string | undefined>): number {
  const raw = env[DEID_EXPORT_MAX_BYTES_ENV];
  const n = raw === undefined ? DEFAULT_DEID_EXPORT_MAX_BYTES : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_DEID_EXPORT_MAX_BYTES;
}

/** One patient's FHIR record and report texts (no DICOM on this path). */
async function loadPatient(store: Store, key: string): Promise<CohortPatientInput> {
  const resources = (await store.listPatientRecords(key, 'fhir-resource')).map((r) => JSON.parse(r.content) as unknown);
  const patientId = key.slice('Patient/'.length);
  const isThePatient = (r: unknown) => (r as { resourceType?: string }).resourceType === 'Patient' && (r as { id?: string }).id === patientId;
  if (!resources.some(isThePatient)) {
    const own = await store.getSourceRecord(`fhir/${key}`);
    if (!own) throw new TRPCError({ code: 'NOT_FOUND', message: `${key}: no Patient resource in the store` });
    resources.unshift(JSON.parse(own.record.content) as unknown);
  }
  const sharedResources: unknown[] = [];
  for (const ref of referencedSharedResources(resources)) {
    const found = await store.getSourceRecord(`fhir/${ref}`);
    if (found) sharedResources.push(JSON.parse(found.record.content) as unknown);
  }
  const texts = (await store.listPatientRecords(key, 'report-text')).map((r) => ({ text: r.content }));
  return { patientId, resources, sharedResources, texts };
}

/** A keyed, stable UUID for a text's DocumentReference (so re-exports with one key agree). */
function textResourceId(key: DeidKey, pseudonym: string, n: number): string {
  const h = key.digest('export-text-id', `${pseudonym}#${n}`).subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

class ExportTooLarge extends Error {}

/** Builds the Bundle patient by patient, stopping as soon as it passes the size limit. */
export async function buildDeidExport(store: Store, patientKeys: readonly string[], key: DeidKey, limitBytes: number): Promise<DeidExportAnswer> {
  const exporter = new CohortDeidExporter({ key });
  const entry: DeidExport['bundle']['entry'] = [];
  let bytes = 0;
  const add = (e: DeidExport['bundle']['entry'][number]) => {
    bytes += Buffer.byteLength(JSON.stringify(e)) + 1;
    if (bytes > limitBytes) throw new ExportTooLarge();
    entry.push(e);
  };
  for (const k of patientKeys) {
    const done = exporter.addPatient(await loadPatient(store, k));
    done.bundle.entry.forEach(add);
    done.texts.forEach((t, n) => {
      const id = textResourceId(key, done.pseudonym, n);
      add({
        fullUrl: `urn:uuid:${id}`,
        resource: {
          resourceType: 'DocumentReference',
          id,
          status: 'current',
          subject: { reference: `Patient/${done.pseudonym}` },
          description: 'Report text, de-identified by rules (names, dates, identifiers masked; dates shifted)',
          content: [{ attachment: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(t.text, 'utf8').toString('base64') } }],
        },
      });
    });
  }
  const { sharedBundle, manifest } = exporter.finish();
  sharedBundle.entry.forEach(add);
  const id = key.digest('export-web-bundle-id', entry.map((e) => e.fullUrl).join('|')).subarray(0, 16).toString('hex');
  return { bundle: { resourceType: 'Bundle', id, type: 'collection', entry }, manifest, bytes };
}

async function patientsOfBoard(ctx: AuthorizedContext, id: string): Promise<string[]> {
  if (!(await holdsBoardSeat(ctx.store.prisma, ctx.user, id))) {
    if (!(await ctx.store.prisma.tumorBoard.findUnique({ where: { id }, select: { id: true } }))) throw new TRPCError({ code: 'NOT_FOUND', message: `tumor board ${id} not found` });
    throw new TRPCError({ code: 'FORBIDDEN', message: `${ctx.operation}: you hold no seat on this board` });
  }
  const cases = await ctx.store.prisma.boardCase.findMany({ where: { boardId: id }, select: { patientKey: true }, orderBy: { position: 'asc' } });
  const keys = [...new Set(cases.map((c) => c.patientKey))];
  if (keys.length === 0) throw new TRPCError({ code: 'BAD_REQUEST', message: `tumor board ${id} has no cases to export` });
  return keys;
}

function audit(ctx: AuthorizedContext, facts: Pick<AuditEventInput, 'outcome' | 'outcomeDesc' | 'patientKey' | 'entities'>): AuditEventInput {
  return { action: 'E', operation: ctx.operation, user: ctx.user, sourceIp: ctx.client?.ip, userAgent: ctx.client?.userAgent, ...facts };
}

/** The export; `env` is the server's environment (the key and the size limit come from there, never from the caller). */
export async function exportDeidentifiedBundle(ctx: AuthorizedContext, input: z.infer<typeof deidExportInput>, env: Record<string, string | undefined> = process.env): Promise<DeidExportAnswer> {
  const keys = input.boardId ? await patientsOfBoard(ctx, input.boardId) : [...new Set(input.patientKeys!)];
  // Refused (and audited, outcome 4) unless the caller sees every one of them.
  await requirePatientAccess(ctx, 'E', keys);
  const failed = async (outcome: '4' | '8', outcomeDesc: string) =>
    recordAuditEvent(ctx.store.prisma, audit(ctx, { outcome, outcomeDesc, patientKey: keys.length === 1 ? keys[0]! : null, entities: keys })).catch(() => undefined);
  let answer: DeidExportAnswer;
  try {
    const key = loadDeidKey(env);
    answer = await buildDeidExport(ctx.store, keys, key, maxBytes(env));
  } catch (error) {
    if (error instanceof DeidKeyError) {
      await failed('4', 'PRECONDITION_FAILED: key');
      throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `de-identified export is not configured on this server: ${error.message}` });
    }
    if (error instanceof ExportTooLarge) {
      await failed('4', 'PAYLOAD_TOO_LARGE');
      const limit = maxBytes(env);
      const size = limit >= 1024 * 1024 ? `${(limit / 1024 / 1024).toFixed(1)} MB` : `${Math.round(limit / 1024)} kB`;
      throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `the de-identified export of ${keys.length} patient(s) exceeds the ${size} limit of a web export; choose fewer patients or use the CLI (oncoboard deid-export)` });
    }
    if (error instanceof TRPCError) {
      await failed('4', error.code);
      throw error;
    }
    // A library error names an input by place, never a value; it reaches the caller, not the logs.
    await failed('8', error instanceof Error ? error.name : 'Error');
    throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `de-identified export failed: ${error instanceof Error ? error.message : String(error)}`, cause: error });
  }
  // One record per exported patient; no answer without them.
  await recordAuditEvents(ctx.store.prisma, keys.map((k) => audit(ctx, { outcome: '0', patientKey: k, entities: [k] })));
  return answer;
}

export const deidRouter = router({
  /** The chosen patients (or a board's cases) as one de-identified FHIR Bundle; DICOM only through the CLI. */
  exportBundle: authorized('deid:export', { audit: 'E' })
    .input(deidExportInput)
    .mutation(({ ctx, input }): Promise<DeidExportAnswer> => exportDeidentifiedBundle(ctx, input)),
});
