import { grantPatientAccess, isClinical } from '@oncoboard/auth';
import { TIMELINE_CATEGORIES } from '@oncoboard/facts';
import { importFhirTexts } from '@oncoboard/ingest';
import { TRPCError } from '@trpc/server';
import type { Store } from '@oncoboard/store';
import { z } from 'zod';
import type { ImagingLesionsView, ImagingSeriesItem, ImagingSlice, ImportSummary, PatientOverview, SourceRecordView, TimelinePage } from './contract';
import { boardsRouter } from './boards';
import { modelsRouter, modulesRouter, predictionsRouter } from './models';
import { buildPatientGenomics, listPatientReports, type PatientGenomicsView, type PatientReportView } from './reports-genomics';
import { buildImagingLesions, buildImagingSlice, listImagingSeries } from './imaging';
import { buildPatientOverview } from './overview';
import { auditRouter } from './audit';
import { deidRouter } from './deid';
import { changePatientData, readPatientData } from './patient-data';
import { searchAccessiblePatients } from './patient-list';
import { readPage } from './store-cursor';
import { anonymous, authorized, router } from './trpc';

const patientKey = z.string().regex(/^Patient\/[A-Za-z0-9\-.]{1,64}$/, 'expected a patient key like "Patient/<id>"');
const isoDate = z.string().regex(/^\d{4}(-\d{2}(-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?$/, 'expected an ISO 8601 date');

/** Uploads are limited so one request cannot exhaust the server's memory; larger imports go through the CLI. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

function notFound(what: string): never {
  throw new TRPCError({ code: 'NOT_FOUND', message: `${what} not found` });
}

/** The patients of these source records (a Patient resource's record is its own patient's); unknown keys add none. */
async function patientsOfRecords(store: Store, keys: readonly string[]): Promise<string[]> {
  const rows = await store.prisma.sourceRecord.findMany({ where: { key: { in: [...keys] } }, select: { patientKey: true, resourceType: true, resourceId: true } });
  return [...new Set(rows.map((r) => r.patientKey ?? (r.resourceType === 'Patient' ? `Patient/${r.resourceId}` : undefined)).filter((k): k is string => !!k))];
}

/** The patients whose records an import run wrote (imported or updated). */
async function patientsOfImportRun(store: Store, runId: string): Promise<string[]> {
  const [owned, patients] = await Promise.all([
    store.prisma.sourceRecord.findMany({ where: { importRunId: runId, patientKey: { not: null } }, select: { patientKey: true }, distinct: ['patientKey'] }),
    store.prisma.sourceRecord.findMany({ where: { importRunId: runId, resourceType: 'Patient' }, select: { resourceId: true } }),
  ]);
  return [...new Set([...owned.map((r) => r.patientKey!), ...patients.map((r) => `Patient/${r.resourceId}`)])];
}

export const appRouter = router({
  system: router({
    /** Liveness for the web app; the only procedure open to anonymous callers (see ANONYMOUS_PROCEDURES). */
    health: anonymous().query(() => ({ status: 'ok' as const })),
    info: authorized('system:read').query(async ({ ctx }) => {
      const counts = await ctx.store.countRecords();
      return { version: '0.1.0', provider: ctx.store.provider, counts };
    }),
  }),

  patients: router({
    /** The caller's patients only (care team, board seats): filtered in the query, so paging and total agree. */
    search: authorized('patient:read-timeline', { audit: 'R' })
      .input(
        z.object({
          text: z.string().max(200).optional(),
          cancerType: z.string().max(200).optional(),
          stage: z.string().max(200).optional(),
          cursor: z.string().max(200).optional(),
          limit: z.number().int().min(1).max(200).default(50),
        }),
      )
      .query(({ ctx, input }) =>
        readPatientData(ctx, { patientKeys: [], entitiesOf: (page) => page.items.map((p) => p.key) }, () => searchAccessiblePatients(ctx.store, ctx.user, input)),
      ),

    overview: authorized('patient:read-timeline', { audit: 'R' }).input(z.object({ patientKey })).query(({ ctx, input }): Promise<PatientOverview> =>
      readPatientData(ctx, { patientKeys: [input.patientKey] }, async () => {
      const patient = await ctx.store.getPatient(input.patientKey);
      if (!patient) notFound(`patient ${input.patientKey}`);
      const facts = await ctx.store.getFacts(input.patientKey);
      const timeline = await ctx.store.getTimeline(input.patientKey, { limit: 1 });
      const patientRecord = await ctx.store.getSourceRecord(`fhir/${input.patientKey}`);
      return buildPatientOverview(
        {
          key: patient.key,
          displayName: patient.displayName ?? undefined,
          birthDate: patient.birthDate ?? undefined,
          gender: patient.gender ?? undefined,
          deceasedAt: patient.deceasedAt ?? undefined,
          identifiers: patient.identifiers,
          sourceRecordKey: patientRecord ? patientRecord.record.key : undefined,
        },
        facts,
        { facts: facts.length, events: timeline.total },
      );
    })),

    /** Pathology reports kept verbatim, each with its extracted findings as character spans and their context. */
    reports: authorized('patient:read-record', { audit: 'R' })
      .input(z.object({ patientKey }))
      .query(({ ctx, input }): Promise<PatientReportView[]> => readPatientData(ctx, { patientKeys: [input.patientKey] }, () => listPatientReports(ctx.store, input.patientKey))),

    /** Somatic variants (each citing its VCF line) and the knowledge-base evidence matched to them, on-label first. */
    genomics: authorized('patient:read-record', { audit: 'R' })
      .input(z.object({ patientKey }))
      .query(({ ctx, input }): Promise<PatientGenomicsView> => readPatientData(ctx, { patientKeys: [input.patientKey] }, () => buildPatientGenomics(ctx.store, input.patientKey))),

    timeline: authorized('patient:read-timeline', { audit: 'R' })
      .input(
        z.object({
          patientKey,
          categories: z.array(z.enum(TIMELINE_CATEGORIES)).optional(),
          from: isoDate.optional(),
          to: isoDate.optional(),
          cursor: z.string().max(200).optional(),
          limit: z.number().int().min(1).max(10_000).default(1000),
        }),
      )
      .query(({ ctx, input }): Promise<TimelinePage> =>
        readPatientData(ctx, { patientKeys: [input.patientKey] }, async () => {
        const { patientKey: key, ...query } = input;
        const page = await readPage(query.cursor, () => ctx.store.getTimeline(key, query));
        return {
          total: page.total,
          undatedCount: page.undatedCount,
          nextCursor: page.nextCursor,
          items: page.items.map((e) => ({
            id: e.id,
            category: e.category,
            start: e.start,
            end: e.end,
            title: e.title,
            detail: e.detail,
            citation: { sourceRecordKey: e.provenance.sourceRecordKey, elementPath: e.provenance.elementPath },
          })),
        };
      })),
  }),

  imaging: router({
    /** The patient's imported DICOM series (oncoboard imaging-import), oldest first. */
    series: authorized('patient:read-record', { audit: 'R' })
      .input(z.object({ patientKey }))
      .query(({ ctx, input }): Promise<ImagingSeriesItem[]> => readPatientData(ctx, { patientKeys: [input.patientKey] }, () => listImagingSeries(ctx.store, input.patientKey))),
    /** Measured lesions by series date, each value cited, and the RECIST 1.1 response over the dated timepoints. */
    lesions: authorized('patient:read-record', { audit: 'R' })
      .input(z.object({ patientKey }))
      .query(({ ctx, input }): Promise<ImagingLesionsView> => readPatientData(ctx, { patientKeys: [input.patientKey] }, () => buildImagingLesions(ctx.store, input.patientKey))),
    /**
     * One slice of a series, read from the files its record lists (sha256-checked; PRECONDITION_FAILED naming the
     * file when one changed or is gone), optionally with a lesion record's mask resampled onto the image grid.
     * Planes follow the voxel axes (axial = k, coronal = j, sagittal = i): right for axial acquisitions.
     */
    slice: authorized('patient:read-record', { audit: 'R' })
      .input(
        z.object({
          seriesKey: z.string().regex(/^dicom\/series\/[0-9.]{1,64}$/, 'expected a series key like "dicom/series/<uid>"'),
          plane: z.enum(['axial', 'coronal', 'sagittal']),
          index: z.number().int().min(0).max(100_000),
          lesionRecordKey: z.string().regex(/^imaging\/lesions\/[0-9.]{1,64}\/[0-9a-f]{1,64}$/, 'expected a lesion record key like "imaging/lesions/<uid>/<hash>"').optional(),
        }),
      )
      .query(async ({ ctx, input }): Promise<ImagingSlice> => {
        const keys = [input.seriesKey, ...(input.lesionRecordKey ? [input.lesionRecordKey] : [])];
        return readPatientData(ctx, { patientKeys: await patientsOfRecords(ctx.store, keys), entitiesOf: () => keys }, () => buildImagingSlice(ctx.store, input));
      }),
  }),

  boards: boardsRouter,
  models: modelsRouter,
  modules: modulesRouter,
  predictions: predictionsRouter,

  audit: auditRouter,
  deid: deidRouter,

  sourceRecords: router({
    get: authorized('patient:read-record', { audit: 'R' }).input(z.object({ key: z.string().min(1).max(300) })).query(async ({ ctx, input }): Promise<SourceRecordView> =>
      readPatientData(ctx, { patientKeys: await patientsOfRecords(ctx.store, [input.key]), entitiesOf: () => [input.key] }, async () => {
      const found = await ctx.store.getSourceRecord(input.key);
      if (!found) notFound(`source record ${input.key}`);
      const { record, history } = found;
      return {
        key: record.key,
        kind: record.kind,
        resourceType: record.resourceType,
        resourceId: record.resourceId,
        patientKey: record.patientKey ?? undefined,
        content: record.content,
        contentHash: record.contentHash,
        origin: record.origin,
        originLocation: record.originLocation,
        version: record.version,
        importedAt: new Date(record.importedAt).toISOString(),
        history: history.map((h) => ({
          version: h.version,
          contentHash: h.contentHash,
          origin: h.origin,
          importedAt: new Date(h.importedAt).toISOString(),
          supersededAt: new Date(h.supersededAt).toISOString(),
        })),
      };
    })),
  }),

  imports: router({
    /**
     * Creates or updates the patients in the files and puts a clinical uploader on their care team; each import batch
     * writes the audit records of the patients it changed in its own transaction.
     */
    upload: authorized('import:write', { audit: 'C' })
      .input(
        z.object({
          files: z
            .array(z.object({ name: z.string().min(1).max(255), text: z.string() }))
            .min(1)
            .max(100)
            .refine((files) => files.reduce((n, f) => n + f.text.length, 0) <= MAX_UPLOAD_BYTES, {
              message: `upload exceeds ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; use the CLI (oncoboard import) for large files`,
            }),
        }),
      )
      .mutation(async ({ ctx, input }): Promise<ImportSummary> => {
        const result = await changePatientData(
          ctx,
          { action: 'C', transactional: false, patientKeys: [], patientKeysOf: (r) => r.patientKeys, entitiesOf: (r) => [`import-run/${r.runId}`, ...r.patientKeys] },
          async (store: Store) => {
            const imported = await importFhirTexts(input.files, { store });
            const patientKeys = await patientsOfImportRun(store, imported.runId);
            // The uploader is put on the care team of the patients the upload wrote, so they can open them.
            if (patientKeys.length > 0 && isClinical(ctx.user.roles)) await grantPatientAccess(store.prisma, ctx.user.username, patientKeys, ctx.user.username);
            return { ...imported, patientKeys };
          },
        );
        return {
          runId: result.runId,
          imported: result.imported,
          updated: result.updated,
          unchanged: result.unchanged,
          rejected: result.rejected,
          issues: result.issues.map(({ file, place, severity, elementPath, message }) => ({ file, place, severity, elementPath, message })),
        };
      }),
    list: authorized('import:write')
      .input(z.object({ limit: z.number().int().min(1).max(200).default(20) }).optional())
      .query(({ ctx, input }) => ctx.store.listImportRuns(input?.limit ?? 20)),
  }),
});

export type AppRouter = typeof appRouter;
