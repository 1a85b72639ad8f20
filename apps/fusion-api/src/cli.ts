#!/usr/bin/env -S npx tsx
/**
 * The oncoboard command line:
 *   oncoboard import <file|dir|fhir-base-url> [--patient <id>] [--page-size <n>] [--batch-size <n>] [--no-validate] [--invariants]
 *   oncoboard link-imaging <dicomweb-root> --patient <Patient/id> (--pacs-patient-id <id> | --study <uid>)
 *                             put a PACS's studies on the patient's record as ImagingStudy (QIDO-RS)
 *   oncoboard imaging-import <dicom-folder|file> --patient <Patient/id> [--mask <nifti|dicom-seg>] [--series <uid>] [--no-radiomics] [--encoder <model-folder> | --no-encoder]
 *                             store a DICOM series (geometry + file hashes; pixels stay in the files) and, with a
 *                             mask, its lesion measurements, radiomics and lesion embeddings, all in one transaction
 *   oncoboard pathology-import <file|folder...> [--patient <Patient/id>]
 *                             pathology reports (.txt, .html, .pdf with a text layer, FHIR DiagnosticReport .json):
 *                             each kept verbatim with its extracted findings (spans, negation/context), one transaction per report
 *   oncoboard vcf-import <file.vcf[.gz]> --patient <Patient/id> [--assembly GRCh37|GRCh38] [--tumor-sample <name>] [--all-filters] [--tmb-target-mb <Mb>]
 *                             a somatic VCF kept verbatim, its variants as facts citing their lines, matched to the CIViC
 *                             knowledge base (on-label first), all in one transaction
 *   oncoboard deid-export (--patient <Patient/id> ... | --all-patients | --board <board-id>) --out <new-folder>
 *                             patients' FHIR resources (Safe Harbor, dates shifted per patient), DICOM files (PS3.15
 *                             Basic Profile) and report texts, de-identified one patient at a time, with a manifest;
 *                             key from ONCOBOARD_DEID_KEY; nothing is left behind on error (deid-export.ts)
 *   oncoboard genomics-export --patient <Patient/id> --out <file.json> [--tmb-target-mb <Mb>]
 *                             the patient's genomic findings as FHIR Genomics Reporting resources (cli-genomics.ts)
 *   oncoboard predict (--patient <Patient/id> | --all [--only-missing]) [--model <dir>]
 *                             run the active joint model (default: the SYNTHETIC demo model) and store each prediction
 *   oncoboard demo            import the bundled demo cohort (mCODE STU4 examples); safe to run again
 *   oncoboard create-admin | user add | access grant|revoke | board-member add|remove
 *                             accounts, roles and patient access (cli-users.ts); imports are audited as "cli:<os user>"
 *   oncoboard serve [--port 4000] [--host 127.0.0.1]
 *   oncoboard migrate         create / migrate the database (DATABASE_URL, default SQLite in ./data)
 * Exit status: 0 done, 1 failed, 2 done but some resources were rejected (see the listed issues).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  importFhirPath,
  importFhirServer,
  importImagingSeries,
  importImagingStudiesFromDicomWeb,
  importPathologyReports,
  importVcf,
  logSafeIssue,
  type ImagingImportProgress,
  type ImagingImportRequest,
  type ImagingLinkRequest,
  type ImportProgress,
  type ImportResult,
} from '@oncoboard/ingest';
import { migrateStore, openStore, resolveDatabaseUrl } from '@oncoboard/store';
import { GENOMICS_EXPORT_USAGE, runGenomicsExportCommand } from './cli-genomics';
import { PREDICT_USAGE, PredictUsageError, runPredictCommand } from './cli-predict';
import { ACCESS_COMMANDS, ACCESS_USAGE, AccessUsageError, cliImportStore, runAccessCommand } from './cli-users';
import { DEID_EXPORT_USAGE, runDeidExportCommand } from './deid-export';
import { logger } from './logger';
import { bar, ProgressLine } from './progress';
import { startApiServer } from './server';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DEMO_COHORT_DIR = join(repoRoot, 'demo', 'mcode-stu4');

const USAGE = `usage: oncoboard <import|link-imaging|imaging-import|pathology-import|vcf-import|deid-export|predict|genomics-export|demo|serve|migrate> [options]
  import <file|dir|fhir-base-url> [--patient <id>] [--page-size <n>] [--batch-size <n>] [--no-validate] [--invariants]
  link-imaging <dicomweb-root> --patient <Patient/id> (--pacs-patient-id <id> | --study <uid>)
  imaging-import <dicom-folder|file> --patient <Patient/id> [--mask <nifti|dicom-seg>] [--series <uid>] [--no-radiomics] [--encoder <model-folder> | --no-encoder]
  pathology-import <file|folder...> [--patient <Patient/id>]
  vcf-import <file.vcf[.gz]> --patient <Patient/id> [--assembly GRCh37|GRCh38] [--tumor-sample <name>] [--all-filters] [--tmb-target-mb <Mb>]
  ${DEID_EXPORT_USAGE}
  ${PREDICT_USAGE}
  ${GENOMICS_EXPORT_USAGE}
  ${ACCESS_USAGE}
  demo
  serve [--port <port>] [--host <host>]
  migrate`;

/** Where the database is, without credentials (they must not reach the terminal or logs). */
function describeDatabase(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

function printSummary(result: ImportResult, seconds: number): void {
  const rate = seconds > 0 ? Math.round(result.read / seconds) : result.read;
  console.log(
    `imported ${result.imported}, updated ${result.updated}, unchanged ${result.unchanged}, rejected ${result.rejected} ` +
      `(${result.read} read in ${seconds.toFixed(1)} s, ${rate} resources/s)`,
  );
  const shown = result.issues.slice(0, 20);
  for (const issue of shown) console.log(`  ${issue.severity}: ${issue.message}`);
  if (result.issues.length > shown.length) console.log(`  ... and ${result.issues.length - shown.length} more issues (oncoboard keeps them all in the import run ${result.runId})`);
}

async function runImport(target: string, opts: { patient?: string; pageSize?: number; batchSize?: number; validate: boolean; invariants?: boolean }): Promise<number> {
  const databaseUrl = resolveDatabaseUrl();
  const store = await openStore({ databaseUrl });
  const progress = new ProgressLine('import');
  const onProgress = (p: ImportProgress) =>
    progress.update(`${p.read} read · ${p.imported} imported · ${p.updated} updated · ${p.unchanged} unchanged · ${p.rejected} rejected`);
  const started = performance.now();
  try {
    const isUrl = /^https?:\/\//.test(target);
    if (!isUrl && !existsSync(target)) {
      console.error(`oncoboard import: ${target}: no such file or directory`);
      return 1;
    }
    console.error(`importing ${isUrl ? target : resolve(target)} into ${describeDatabase(databaseUrl)}`);
    const common = { store: cliImportStore(store, 'import'), batchSize: opts.batchSize, validate: opts.validate, invariants: opts.invariants, onProgress };
    const result = isUrl
      ? await importFhirServer(target, { patientId: opts.patient, pageSize: opts.pageSize }, common)
      : await importFhirPath(target, common);
    progress.done(`${result.read} read`);
    printSummary(result, (performance.now() - started) / 1000);
    return result.rejected > 0 ? 2 : 0;
  } finally {
    await store.close();
  }
}

async function runImagingLink(root: string, request: ImagingLinkRequest): Promise<number> {
  const databaseUrl = resolveDatabaseUrl();
  const store = await openStore({ databaseUrl });
  const started = performance.now();
  try {
    console.error(`linking imaging studies from ${root} to ${request.patientKey} in ${describeDatabase(databaseUrl)}`);
    const result = await importImagingStudiesFromDicomWeb(root, request, { store: cliImportStore(store, 'link-imaging') });
    console.log(`${result.studies} stud${result.studies === 1 ? 'y' : 'ies'} found`);
    printSummary(result, (performance.now() - started) / 1000);
    return result.rejected > 0 ? 2 : 0;
  } finally {
    await store.close();
  }
}

async function runImagingImport(target: string, request: ImagingImportRequest): Promise<number> {
  if (!existsSync(target)) {
    console.error(`oncoboard imaging-import: ${target}: no such file or directory`);
    return 1;
  }
  if (request.mask && !existsSync(request.mask)) {
    console.error(`oncoboard imaging-import: --mask ${request.mask}: no such file`);
    return 1;
  }
  const databaseUrl = resolveDatabaseUrl();
  const store = await openStore({ databaseUrl });
  const progress = new ProgressLine('imaging-import');
  const onProgress = (p: ImagingImportProgress) => progress.update(`${p.step} ${bar(p.total > 0 ? p.done / p.total : 0)} ${p.done}/${p.total}`, p.done === p.total);
  const started = performance.now();
  try {
    console.error(`importing DICOM series from ${resolve(target)} for ${request.patientKey} into ${describeDatabase(databaseUrl)}`);
    const result = await importImagingSeries(target, request, { store: cliImportStore(store, 'imaging-import'), onProgress });
    progress.done('done');
    const seconds = (performance.now() - started) / 1000;
    console.log(`series ${result.seriesInstanceUid}: ${result.modality || 'imaging'}, ${result.slices} slices, ${result.date ?? 'undated'} (${result.seriesKey})`);
    if (result.lesionsKey) {
      console.log(`${result.lesions.length} lesion${result.lesions.length === 1 ? '' : 's'} measured, radiomics for ${result.radiomics}, embeddings for ${result.embeddings} (${result.lesionsKey})`);
      for (const l of result.lesions) {
        console.log(`  lesion ${l.lesion} (label ${l.label}): ${l.volumeMl.toFixed(2)} mL, longest diameter ${l.longestDiameterMm.toFixed(1)} mm, short axis ${l.shortAxisMm.toFixed(1)} mm`);
      }
    }
    for (const warning of result.warnings) console.log(`  warning: ${warning}`);
    console.log(`imported ${result.imported}, updated ${result.updated}, unchanged ${result.unchanged} records in ${seconds.toFixed(1)} s (import run ${result.runId})`);
    return 0;
  } finally {
    await store.close();
  }
}

async function runPathologyImport(targets: string[], patientKey: string | undefined): Promise<number> {
  const missing = targets.find((t) => !existsSync(t));
  if (missing) {
    console.error(`oncoboard pathology-import: ${missing}: no such file or directory`);
    return 1;
  }
  const databaseUrl = resolveDatabaseUrl();
  const store = await openStore({ databaseUrl });
  const progress = new ProgressLine('pathology-import');
  const started = performance.now();
  try {
    console.error(`importing pathology reports from ${targets.map((t) => resolve(t)).join(', ')} into ${describeDatabase(databaseUrl)}`);
    const result = await importPathologyReports(targets, patientKey ? { patientKey } : {}, {
      store: cliImportStore(store, 'pathology-import'),
      onProgress: (p) => progress.update(`${bar(p.total > 0 ? p.done / p.total : 0)} ${p.done}/${p.total} reports`, p.done === p.total),
    });
    progress.done('done');
    const seconds = (performance.now() - started) / 1000;
    console.log(`${result.reports} report${result.reports === 1 ? '' : 's'}, ${result.findings} findings; imported ${result.imported}, updated ${result.updated}, unchanged ${result.unchanged} records in ${seconds.toFixed(1)} s (import run ${result.runId})`);
    for (const f of result.failed) console.log(`  error: ${f.message}`);
    return result.failed.length > 0 ? 2 : 0;
  } finally {
    await store.close();
  }
}

async function runVcfImport(target: string, request: Parameters<typeof importVcf>[1]): Promise<number> {
  if (!existsSync(target)) {
    console.error(`oncoboard vcf-import: ${target}: no such file`);
    return 1;
  }
  const databaseUrl = resolveDatabaseUrl();
  const store = await openStore({ databaseUrl });
  const progress = new ProgressLine('vcf-import');
  const started = performance.now();
  try {
    console.error(`importing ${resolve(target)} for ${request.patientKey} into ${describeDatabase(databaseUrl)}`);
    const result = await importVcf(target, request, { store: cliImportStore(store, 'vcf-import'), onProgress: (step) => progress.update(step) });
    progress.done('done');
    const seconds = (performance.now() - started) / 1000;
    console.log(`${result.variants} variants, ${result.evidence} knowledge-base evidence items, ${result.assertions} assertions (${result.kbVersion})${result.tmb ? `; TMB ${result.tmb}` : ''}`);
    if (result.skippedRecords > 0) console.log(`  ${result.skippedRecords} malformed record${result.skippedRecords === 1 ? '' : 's'} skipped:`);
    for (const issue of result.skipped.slice(0, 10)) console.log(`    ${logSafeIssue(issue)}`);
    for (const w of result.warnings.slice(0, 10)) console.log(`  warning: ${w}`);
    console.log(`imported ${result.imported}, updated ${result.updated}, unchanged ${result.unchanged} records in ${seconds.toFixed(1)} s (import run ${result.runId})`);
    return 0;
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // predict parses its own options (cli-predict.ts).
  if (command === 'predict') return runPredictCommand(rest);
  // genomics-export parses its own options (cli-genomics.ts).
  if (command === 'genomics-export') return runGenomicsExportCommand(rest);
  // deid-export parses its own options (deid-export.ts: --patient may repeat).
  if (command === 'deid-export') return runDeidExportCommand(rest);
  // Accounts and access parse their own options (cli-users.ts).
  if ((ACCESS_COMMANDS as readonly string[]).includes(command ?? '')) return runAccessCommand(command!, rest);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      patient: { type: 'string' },
      'pacs-patient-id': { type: 'string' },
      study: { type: 'string' },
      series: { type: 'string' },
      mask: { type: 'string' },
      'no-radiomics': { type: 'boolean', default: false },
      encoder: { type: 'string' },
      'no-encoder': { type: 'boolean', default: false },
      assembly: { type: 'string' },
      'tumor-sample': { type: 'string' },
      'all-filters': { type: 'boolean', default: false },
      'tmb-target-mb': { type: 'string' },
      out: { type: 'string' },
      'page-size': { type: 'string' },
      'batch-size': { type: 'string' },
      'no-validate': { type: 'boolean', default: false },
      invariants: { type: 'boolean', default: false },
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const int = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name}: expected a positive integer, got "${v}"`);
    return n;
  };
  const positiveNumber = (v: string, name: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name}: expected a positive number, got "${v}"`);
    return n;
  };
  switch (command) {
    case 'import': {
      const target = positionals[0];
      if (!target) throw new UsageError('import: expected a file, a directory or a FHIR base URL');
      return runImport(target, { patient: values.patient, pageSize: int(values['page-size'], 'page-size'), batchSize: int(values['batch-size'], 'batch-size'), validate: !values['no-validate'], invariants: values.invariants });
    }
    case 'link-imaging': {
      const root = positionals[0];
      if (!root || !/^https?:\/\//.test(root)) throw new UsageError('link-imaging: expected a DICOMweb root URL, e.g. http://127.0.0.1:8042/dicom-web');
      if (!values.patient) throw new UsageError('link-imaging: expected --patient <Patient/id> (the OncoBoard patient the studies belong to)');
      return runImagingLink(root, { patientKey: values.patient, pacsPatientId: values['pacs-patient-id'], studyInstanceUid: values.study });
    }
    case 'imaging-import': {
      const target = positionals[0];
      if (!target) throw new UsageError('imaging-import: expected a folder (or file) holding the DICOM series');
      if (!values.patient) throw new UsageError('imaging-import: expected --patient <Patient/id> (the OncoBoard patient the series belongs to)');
      return runImagingImport(target, {
        patientKey: values.patient,
        ...(values.series ? { seriesInstanceUid: values.series } : {}),
        ...(values.mask ? { mask: values.mask } : {}),
        ...(values['no-radiomics'] ? { radiomics: false } : {}),
        ...(values['no-encoder'] ? { encoder: false as const } : values.encoder ? { encoder: resolve(values.encoder) } : {}),
      });
    }
    case 'pathology-import': {
      if (positionals.length === 0) throw new UsageError('pathology-import: expected report files or folders');
      return runPathologyImport(positionals, values.patient);
    }
    case 'vcf-import': {
      const target = positionals[0];
      if (!target) throw new UsageError('vcf-import: expected a VCF file');
      if (!values.patient) throw new UsageError('vcf-import: expected --patient <Patient/id> (the OncoBoard patient the tumor belongs to)');
      if (values.assembly && values.assembly !== 'GRCh37' && values.assembly !== 'GRCh38') throw new UsageError(`--assembly: expected GRCh37 or GRCh38, got "${values.assembly}"`);
      return runVcfImport(target, {
        patientKey: values.patient,
        ...(values.assembly ? { assembly: values.assembly as 'GRCh37' | 'GRCh38' } : {}),
        ...(values['tumor-sample'] ? { tumorSample: values['tumor-sample'] } : {}),
        ...(values['all-filters'] ? { filter: 'all' as const } : {}),
        ...(values['tmb-target-mb'] ? { tmb: { targetSizeMb: positiveNumber(values['tmb-target-mb'], 'tmb-target-mb') } } : {}),
      });
    }
    case 'demo':
      return runImport(DEMO_COHORT_DIR, { validate: true });
    case 'migrate': {
      const url = resolveDatabaseUrl();
      const { applied } = await migrateStore(url);
      console.log(applied.length ? `applied ${applied.length} migration(s) to ${describeDatabase(url)}: ${applied.join(', ')}` : `${describeDatabase(url)} is up to date`);
      return 0;
    }
    case 'serve': {
      const store = await openStore({ databaseUrl: resolveDatabaseUrl() });
      const server = await startApiServer({ store, port: int(values.port, 'port') ?? Number(process.env.FUSION_API_PORT ?? 4000), host: values.host });
      logger.info({ url: server.url }, 'OncoBoard API listening');
      console.log(`OncoBoard API listening on ${server.url}/trpc`);
      const stop = async () => {
        await server.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return new Promise<number>(() => undefined);
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof PredictUsageError || error instanceof AccessUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`oncoboard: ${(error as Error).message}\n${USAGE}`);
      process.exit(1);
    }
    // The message of our own errors names the input and place; stack traces stay out of the terminal unless asked.
    console.error(`oncoboard: ${(error as Error).message ?? String(error)}`);
    if (process.env.DEBUG) console.error(error);
    process.exit(1);
  },
);
