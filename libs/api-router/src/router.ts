import { TIMELINE_CATEGORIES } from '@oncoboard/facts';
import { importFhirTexts } from '@oncoboard/ingest';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { ImagingLesionsView, ImagingSeriesItem, ImagingSlice, ImportSummary, PatientOverview, SourceRecordView, TimelinePage } from './contract';
import { boardsRouter } from './boards';
import { buildPatientGenomics, listPatientReports, type PatientGenomicsView, type PatientReportView } from './reports-genomics';
import { buildImagingLesions, buildImagingSlice, listImagingSeries } from './imaging';
import { buildPatientOverview } from './overview';
import { publicProcedure, router } from './trpc';

const patientKey = z.string().regex(/^Patient\/[A-Za-z0-9\-.]{1,64}$/, 'expected a patient key like "Patient/<id>"');
const isoDate = z.string().regex(/^\d{4}(-\d{2}(-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?$/, 'expected an ISO 8601 date');

/** Uploads are limited so one request cannot exhaust the server's memory; larger imports go through the CLI. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

function notFound(what: string): never {
  throw new TRPCError({ code: 'NOT_FOUND', message: `${what} not found` });
}

export const appRouter = router({
  system: router({
    info: publicProcedure.query(async ({ ctx }) => {
      const counts = await ctx.store.countRecords();
      return { version: '0.1.0', provider: ctx.store.provider, counts };
    }),
  }),

  patients: router({
    search: publicProcedure
      .input(
        z.object({
          text: z.string().max(200).optional(),
          cancerType: z.string().max(200).optional(),
          stage: z.string().max(200).optional(),
          cursor: z.string().max(200).optional(),
          limit: z.number().int().min(1).max(200).default(50),
        }),
      )
      .query(({ ctx, input }) => ctx.store.searchPatients(input)),

    overview: publicProcedure.input(z.object({ patientKey })).query(async ({ ctx, input }): Promise<PatientOverview> => {
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
    }),

    /** Pathology reports kept verbatim, each with its extracted findings as character spans and their context. */
    reports: publicProcedure.input(z.object({ patientKey })).query(({ ctx, input }): Promise<PatientReportView[]> => listPatientReports(ctx.store, input.patientKey)),

    /** Somatic variants (each citing its VCF line) and the knowledge-base evidence matched to them, on-label first. */
    genomics: publicProcedure.input(z.object({ patientKey })).query(({ ctx, input }): Promise<PatientGenomicsView> => buildPatientGenomics(ctx.store, input.patientKey)),

    timeline: publicProcedure
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
      .query(async ({ ctx, input }): Promise<TimelinePage> => {
        const { patientKey: key, ...query } = input;
        const page = await ctx.store.getTimeline(key, query);
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
      }),
  }),

  imaging: router({
    /** The patient's imported DICOM series (oncoboard imaging-import), oldest first. */
    series: publicProcedure
      .input(z.object({ patientKey }))
      .query(({ ctx, input }): Promise<ImagingSeriesItem[]> => listImagingSeries(ctx.store, input.patientKey)),
    /** Measured lesions by series date, each value cited, and the RECIST 1.1 response over the dated timepoints. */
    lesions: publicProcedure
      .input(z.object({ patientKey }))
      .query(({ ctx, input }): Promise<ImagingLesionsView> => buildImagingLesions(ctx.store, input.patientKey)),
    /**
     * One slice of a series, read from the files its record lists (sha256-checked; PRECONDITION_FAILED naming the
     * file when one changed or is gone), optionally with a lesion record's mask resampled onto the image grid.
     * Planes follow the voxel axes (axial = k, coronal = j, sagittal = i): right for axial acquisitions.
     */
    slice: publicProcedure
      .input(
        z.object({
          seriesKey: z.string().regex(/^dicom\/series\/[0-9.]{1,64}$/, 'expected a series key like "dicom/series/<uid>"'),
          plane: z.enum(['axial', 'coronal', 'sagittal']),
          index: z.number().int().min(0).max(100_000),
          lesionRecordKey: z.string().regex(/^imaging\/lesions\/[0-9.]{1,64}\/[0-9a-f]{1,64}$/, 'expected a lesion record key like "imaging/lesions/<uid>/<hash>"').optional(),
        }),
      )
      .query(({ ctx, input }): Promise<ImagingSlice> => buildImagingSlice(ctx.store, input)),
  }),

  boards: boardsRouter,

  sourceRecords: router({
    get: publicProcedure.input(z.object({ key: z.string().min(1).max(300) })).query(async ({ ctx, input }): Promise<SourceRecordView> => {
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
    }),
  }),

  imports: router({
    upload: publicProcedure
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
        const result = await importFhirTexts(input.files, { store: ctx.store });
        return {
          runId: result.runId,
          imported: result.imported,
          updated: result.updated,
          unchanged: result.unchanged,
          rejected: result.rejected,
          issues: result.issues.map(({ file, place, severity, elementPath, message }) => ({ file, place, severity, elementPath, message })),
        };
      }),
    list: publicProcedure
      .input(z.object({ limit: z.number().int().min(1).max(200).default(20) }).optional())
      .query(({ ctx, input }) => ctx.store.listImportRuns(input?.limit ?? 20)),
  }),
});

export type AppRouter = typeof appRouter;
