/**
 * Crash safety (DESIGN.md: "a worker killed halfway leaves nothing half-written, and the job runs again"), tested
 * on the real CLI (`node apps/fusion-api/bin/oncoboard.mjs import|imaging-import ...`) in child processes, killed
 * with SIGKILL, on real databases (SQLite; PostgreSQL when installed), then run again to completion.
 *
 * Two ways to kill:
 * - from outside, like `kill -9`: the test polls the store and, once it shows some but not all resources
 *   committed, waits until a write transaction is open (SQLite: another connection cannot take the write lock;
 *   PostgreSQL: the store's write lock is granted in pg_locks), freezes the CLI's process group with SIGSTOP,
 *   checks that the transaction is still open, and SIGKILLs the group: the kill lands inside a transaction.
 * - from inside, deterministically: test-support/kill-at-commit.mjs, preloaded into the CLI process, SIGKILLs it
 *   when it is about to COMMIT its n-th write transaction (every row of that batch sent, nothing committed).
 *
 * Sizes (small by default, so the file runs in about a minute on a loaded 2-core machine; the logic does not
 * depend on size): ONCOBOARD_CRASH_PATIENTS (default 40 patients × 51 resources = 2,040) and ONCOBOARD_CRASH_BATCH
 * (records per store transaction, the CLI's --batch-size; default 300). E.g. 400 and 2000 for 20,400 resources
 * in the CLI's default batches (then ONCOBOARD_CRASH_TIMEOUT_S, default 300 per test, may need raising).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCtPhantom, writeDicomSeries, writeNifti } from '@oncoboard/imaging/testing';
import { writeSyntheticCohort, type SyntheticCohort } from './test-support/synthetic-cohort';

const repoRoot = resolve(__dirname, '../../..');
const cliBin = join(repoRoot, 'apps', 'fusion-api', 'bin', 'oncoboard.mjs');
const killAtCommit = join(__dirname, 'test-support', 'kill-at-commit.mjs');

const PATIENTS = Number(process.env.ONCOBOARD_CRASH_PATIENTS ?? 40);
const BATCH = Number(process.env.ONCOBOARD_CRASH_BATCH ?? 300);
/** Per test; the default fits the default sizes on a loaded machine. */
const TEST_TIMEOUT_MS = Number(process.env.ONCOBOARD_CRASH_TIMEOUT_S ?? 300) * 1000;

let work: string;
const children = new Set<ChildProcess>();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-crash-'));
});
afterAll(() => {
  for (const child of children) killGroup(child, 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

// -------------------------------------------------------------------------------------------------------------
// The CLI in a child process (its own process group: the bin script runs the TypeScript CLI in a child of its own,
// and a kill must reach the process that writes).

interface Cli {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function startCli(args: string[], databaseUrl: string, opts: { killAtCommit?: number } = {}): Cli {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };
  delete env.DEBUG;
  if (opts.killAtCommit) {
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(killAtCommit).href}`.trim();
    env.ONCOBOARD_TEST_KILL_AT_COMMIT = String(opts.killAtCommit);
  }
  const child = spawn(process.execPath, [cliBin, ...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((done) =>
    child.on('close', (code, signal) => {
      children.delete(child);
      done({ code, signal, stdout, stderr });
    }),
  );
  return { child, output: () => ({ stdout, stderr }), exited };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the CLI to the end; fails the test (with its output) unless it exits 0. */
async function runCli(args: string[], databaseUrl: string) {
  const result = await startCli(args, databaseUrl).exited;
  expect(result.code, `oncoboard ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

/** Runs the CLI with the kill-at-commit preload; checks that it died where asked. */
async function runCliKilledAtCommit(args: string[], databaseUrl: string, commit: number) {
  const result = await startCli(args, databaseUrl, { killAtCommit: commit }).exited;
  expect(result.stderr, result.stdout + result.stderr).toContain(`kill-at-commit: SIGKILL before COMMIT of write transaction ${commit}`);
  expect(result.code).not.toBe(0);
  return result;
}

/** What the test sees of a store from outside: read-only queries, and whether a write transaction is open now. */
interface StoreProbe {
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  count(table: string): Promise<number>;
  writeTransactionOpen(): Promise<boolean>;
  close(): Promise<void>;
}

function sqliteProbe(path: string): StoreProbe {
  // Two connections: reads wait out a moment's lock (WAL recovery, checkpoints); the lock test must not wait.
  const reader = new Database(path, { fileMustExist: true, timeout: 2000 });
  const locker = new Database(path, { fileMustExist: true, timeout: 0 });
  return {
    rows: async <T,>(sql: string) => reader.prepare(sql).all() as T[],
    count: async (table) => (reader.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n,
    writeTransactionOpen: async () => {
      try {
        locker.exec('BEGIN IMMEDIATE');
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
        throw error;
      }
      locker.exec('ROLLBACK');
      return false;
    },
    close: async () => {
      locker.close();
      reader.close();
    },
  };
}

/** libs/store/src/sql-writer.ts: the advisory lock every OncoBoard write transaction takes on PostgreSQL. */
const POSTGRES_WRITE_LOCK = 727073691;

async function postgresProbe(url: string): Promise<StoreProbe> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    rows: async <T,>(sql: string) => (await client.query(sql)).rows as T[],
    count: async (table) => Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n),
    writeTransactionOpen: async () =>
      (await client.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND objsubid = 1 AND granted`, [POSTGRES_WRITE_LOCK])).rowCount! > 0,
    close: () => client.end(),
  };
}

async function waitForStore(open: () => StoreProbe | Promise<StoreProbe>, cli: Cli): Promise<StoreProbe> {
  for (;;) {
    if (cli.child.exitCode !== null || cli.child.signalCode !== null) throw new Error(`the CLI ended before the store existed:\n${cli.output().stderr}`);
    try {
      const probe = await open();
      try {
        await probe.count('SourceRecord');
        return probe;
      } catch {
        await probe.close();
      }
    } catch {
      // not created / migrated yet
    }
    await sleep(20);
  }
}

/**
 * Waits until `ready(committed SourceRecords)` and a write transaction is open, then SIGSTOPs the CLI, checks that
 * the transaction is still open, and SIGKILLs it. Returns the SourceRecord count committed when it was killed.
 */
async function killInsideWriteTransaction(cli: Cli, probe: StoreProbe, ready: (committed: number) => boolean): Promise<number> {
  for (;;) {
    if (cli.child.exitCode !== null || cli.child.signalCode !== null) {
      throw new Error(`the CLI finished before the kill point (increase ONCOBOARD_CRASH_PATIENTS):\n${cli.output().stdout}`);
    }
    const committed = await probe.count('SourceRecord');
    if (ready(committed) && (await probe.writeTransactionOpen())) {
      killGroup(cli.child, 'SIGSTOP');
      if (await probe.writeTransactionOpen()) {
        const atKill = await probe.count('SourceRecord');
        killGroup(cli.child, 'SIGKILL');
        const result = await cli.exited;
        expect(result.code, result.stdout + result.stderr).not.toBe(0);
        return atKill;
      }
      killGroup(cli.child, 'SIGCONT'); // committed between the two looks: try the next one
    }
    await sleep(3);
  }
}

// -------------------------------------------------------------------------------------------------------------
// What a store holds, per source record, independent of ids, run ids and times (comparable across databases).

const RECORD_SQL = `SELECT "key", "kind", "resourceType", "resourceId", "patientKey", "contentHash", "version" FROM "SourceRecord" ORDER BY "key"`;
const FACT_SQL =
  `SELECT "sourceRecordKey", "patientKey", "kind", "codeSystem", "code", "codeDisplay", "valueJson", "valueText", "effectiveStart", "effectiveEnd", ` +
  `"status", "attributesJson", "provenanceJson", "elementPath" FROM "Fact"`;
const EVENT_SQL = `SELECT "sourceRecordKey", "patientKey", "elementPath", "category", "start", "end", "title", "detail" FROM "TimelineEvent"`;
const PATIENT_SQL =
  `SELECT "key", "isStub", "displayName", "family", "given", "birthDate", "gender", "identifiers", "primaryCancer", "stage", "searchText", "sortName", ` +
  `"primaryCancerSearch", "stageSearch" FROM "Patient" ORDER BY "key"`;

interface StoreContents {
  /** key → the record's identity, hash and version, with its facts and events (sorted). */
  records: Map<string, string>;
  versions: Map<string, number>;
  factCount: number;
  eventCount: number;
  /** Facts or events whose source record is missing. */
  orphans: number;
  patients: Map<string, string>;
  /** Patient rows no stored record, fact or event refers to (left by a batch that was not committed). */
  unreferencedPatients: string[];
  historyRows: number;
}

async function contentsOf(probe: StoreProbe): Promise<StoreContents> {
  const records = await probe.rows<Record<string, unknown> & { key: string; version: number; patientKey: string | null }>(RECORD_SQL);
  const facts = await probe.rows<Record<string, unknown> & { sourceRecordKey: string; patientKey: string }>(FACT_SQL);
  const events = await probe.rows<Record<string, unknown> & { sourceRecordKey: string; patientKey: string }>(EVENT_SQL);
  const patients = await probe.rows<Record<string, unknown> & { key: string }>(PATIENT_SQL);
  const byRecord = new Map<string, { facts: string[]; events: string[] }>();
  const keys = new Set(records.map((r) => r.key));
  let orphans = 0;
  const referenced = new Set<string>();
  for (const [list, field] of [[facts, 'facts'], [events, 'events']] as const) {
    for (const row of list) {
      referenced.add(row.patientKey);
      if (!keys.has(row.sourceRecordKey)) orphans += 1;
      const entry = byRecord.get(row.sourceRecordKey) ?? { facts: [], events: [] };
      entry[field].push(JSON.stringify(row));
      byRecord.set(row.sourceRecordKey, entry);
    }
  }
  for (const r of records) if (r.patientKey) referenced.add(r.patientKey);
  return {
    records: new Map(
      records.map((r) => {
        const derived = byRecord.get(r.key) ?? { facts: [], events: [] };
        return [r.key, JSON.stringify({ record: r, facts: derived.facts.sort(), events: derived.events.sort() })];
      }),
    ),
    versions: new Map(records.map((r) => [r.key, Number(r.version)])),
    factCount: facts.length,
    eventCount: events.length,
    orphans,
    patients: new Map(patients.map((p) => [p.key, JSON.stringify({ ...p, isStub: Boolean(p.isStub) })])),
    unreferencedPatients: patients.map((p) => p.key).filter((k) => !referenced.has(k)),
    historyRows: await probe.count('SourceRecordVersion'),
  };
}

function sqliteIntegrity(path: string): { integrity: unknown; foreignKeys: unknown[] } {
  const db = new Database(path, { fileMustExist: true });
  try {
    return { integrity: db.pragma('integrity_check', { simple: true }), foreignKeys: db.pragma('foreign_key_check') as unknown[] };
  } finally {
    db.close();
  }
}

/** A copy of the SQLite files as the killed process left them (WAL included), for checking after the rerun. */
function snapshotSqlite(path: string, name: string): string {
  const dir = join(work, 'snapshots', name);
  mkdirSync(dir, { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) copyFileSync(path + suffix, join(dir, `store.db${suffix}`));
  return join(dir, 'store.db');
}

/**
 * The checks after a kill: the records stored are exactly the first `committed` resources of the input (whole
 * batches: the input is read in order, one batch per transaction), each with all the facts and events a clean
 * import gives it; nothing else (no orphan facts or events, no patient rows of the lost batch, no history rows).
 */
function expectWholeBatches(after: StoreContents, clean: StoreContents, cohort: SyntheticCohort, committed: number, label: string) {
  expect(committed % BATCH, `${label}: ${committed} records stored is not a whole number of batches of ${BATCH}`).toBe(0);
  expect(committed, `${label}: some but not all resources committed`).toBeGreaterThan(0);
  expect(committed).toBeLessThan(cohort.resources);
  expect([...after.records.keys()].sort(), `${label}: the stored records are the input's first ${committed}`).toEqual(cohort.keys.slice(0, committed).sort());
  const incomplete = [...after.records].filter(([key, signature]) => clean.records.get(key) !== signature).map(([key]) => key);
  expect(incomplete, `${label}: records whose facts/events differ from a clean import's`).toEqual([]);
  expect(after.orphans, `${label}: facts/events without their record`).toBe(0);
  expect(after.unreferencedPatients, `${label}: patient rows of an uncommitted batch`).toEqual([]);
  for (const [key, patient] of after.patients) {
    // A patient's summary may lack what a later batch adds; its identity is the clean import's.
    expect(JSON.parse(patient).key).toBe(JSON.parse(clean.patients.get(key)!).key);
  }
  expect(after.historyRows).toBe(0);
}

/** After the import ran to the end: the same as a clean import of the same input, each resource once, version 1. */
function expectSameAsClean(after: StoreContents, clean: StoreContents, cohort: SyntheticCohort) {
  expect(after.records.size).toBe(cohort.resources);
  expect(new Set(cohort.keys).size).toBe(cohort.resources);
  expect([...after.records.keys()].sort()).toEqual([...cohort.keys].sort());
  expect([...after.versions.values()].every((v) => v === 1), 'every record at version 1').toBe(true);
  expect(after.historyRows).toBe(0);
  expect({ facts: after.factCount, events: after.eventCount }).toEqual({ facts: clean.factCount, events: clean.eventCount });
  const differing = [...clean.records].filter(([key, signature]) => after.records.get(key) !== signature).map(([key]) => key);
  expect(differing, 'records whose facts/events differ from a clean import').toEqual([]);
  expect(after.orphans).toBe(0);
  expect(after.patients).toEqual(clean.patients);
}

interface ImportRunRow {
  id: string;
  status: string;
  finishedAt: unknown;
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
}
const RUNS_SQL = `SELECT "id", "status", "finishedAt", "imported", "updated", "unchanged", "rejected" FROM "ImportRun" ORDER BY "id"`;

function summaryOf(stdout: string): { imported: number; updated: number; unchanged: number; rejected: number } {
  const m = /imported (\d+), updated (\d+), unchanged (\d+)(?:, rejected (\d+))?/.exec(stdout);
  if (!m) throw new Error(`no summary line in:\n${stdout}`);
  return { imported: Number(m[1]), updated: Number(m[2]), unchanged: Number(m[3]), rejected: Number(m[4] ?? 0) };
}

// -------------------------------------------------------------------------------------------------------------

let cohort: SyntheticCohort;
let cleanImport: Promise<StoreContents> | undefined;
const batches = () => Math.ceil(cohort.resources / BATCH);
const importArgs = () => ['import', cohort.path, '--batch-size', String(BATCH)];

/** The input, and a clean import of it into a fresh SQLite database (started once; runs while the killed ones do). */
function cleanFhirImport(): Promise<StoreContents> {
  if (!cleanImport) {
    cohort = writeSyntheticCohort(join(work, 'cohort.ndjson'), PATIENTS);
    expect(batches(), 'the kill points need at least 4 batches').toBeGreaterThanOrEqual(4);
    const path = join(work, 'clean', 'store.db');
    cleanImport = runCli(importArgs(), `file:${path}`).then(async (result) => {
      expect(summaryOf(result.stdout)).toEqual({ imported: cohort.resources, updated: 0, unchanged: 0, rejected: 0 });
      const probe = sqliteProbe(path);
      try {
        return await contentsOf(probe);
      } finally {
        await probe.close();
      }
    });
    cleanImport.catch(() => undefined);
  }
  return cleanImport;
}

describe('FHIR import killed with SIGKILL, then run again', () => {
  let clean: StoreContents;
  beforeAll(() => void cleanFhirImport());

  it('on SQLite: killed early, in the middle and in the final batch, the store keeps whole batches only; the fourth run completes it exactly once', async () => {
    const path = join(work, 'killed', 'store.db');
    const url = `file:${path}`;
    const snapshots: { label: string; file: string; committed: number }[] = [];

    // Run 1, early: killed from outside inside a write transaction, once at least one batch is committed.
    let cli = startCli(importArgs(), url);
    let probe = await waitForStore(() => sqliteProbe(path), cli);
    let committed = await killInsideWriteTransaction(cli, probe, (n) => n >= BATCH);
    snapshots.push({ label: 'run 1 (killed early)', file: snapshotSqlite(path, 'run1'), committed });
    expect(await probe.count('SourceRecord')).toBe(committed); // the open transaction's rows are gone
    await probe.close();

    // Run 2, middle: the same, once half the input is committed.
    cli = startCli(importArgs(), url);
    probe = await waitForStore(() => sqliteProbe(path), cli);
    committed = await killInsideWriteTransaction(cli, probe, (n) => n >= cohort.resources / 2);
    snapshots.push({ label: 'run 2 (killed in the middle)', file: snapshotSqlite(path, 'run2'), committed });
    await probe.close();

    // Run 3, the final batch: killed from inside, every row of the last batch sent, just before its COMMIT
    // (write transaction 1 is the import run's row, then one per batch, the unchanged ones included).
    await runCliKilledAtCommit(importArgs(), url, 1 + batches());
    const finalCommitted = (batches() - 1) * BATCH;
    snapshots.push({ label: 'run 3 (killed before committing the final batch)', file: snapshotSqlite(path, 'run3'), committed: finalCommitted });

    // Run 4 runs to the end.
    const last = await runCli(importArgs(), url);
    expect(summaryOf(last.stdout)).toEqual({ imported: cohort.resources - finalCommitted, updated: 0, unchanged: finalCommitted, rejected: 0 });

    clean = await cleanFhirImport();
    for (const [n, snapshot] of snapshots.entries()) {
      expect(sqliteIntegrity(snapshot.file), snapshot.label).toEqual({ integrity: 'ok', foreignKeys: [] });
      const snap = sqliteProbe(snapshot.file);
      try {
        const contents = await contentsOf(snap);
        expect(contents.records.size, snapshot.label).toBe(snapshot.committed);
        expectWholeBatches(contents, clean, cohort, snapshot.committed, snapshot.label);
        // The killed run is left "running", its counts those of its committed batches; each earlier killed run
        // was marked "interrupted" when the next one began.
        const runs = await snap.rows<ImportRunRow>(RUNS_SQL);
        expect(runs.map((r) => r.status)).toEqual([...Array(n).fill('interrupted'), 'running']);
        expect(runs.every((r) => r.finishedAt === null)).toBe(true);
        const before = n === 0 ? 0 : snapshots[n - 1]!.committed;
        expect(runs[n], snapshot.label).toMatchObject({ imported: snapshot.committed - before, updated: 0, unchanged: before, rejected: 0 });
      } finally {
        await snap.close();
      }
    }
    expect(snapshots[1]!.committed).toBeGreaterThan(snapshots[0]!.committed);

    expect(sqliteIntegrity(path)).toEqual({ integrity: 'ok', foreignKeys: [] });
    const final = sqliteProbe(path);
    try {
      expectSameAsClean(await contentsOf(final), clean, cohort);
      const runs = await final.rows<ImportRunRow>(RUNS_SQL);
      expect(runs).toHaveLength(4);
      expect(runs.map((r) => r.status)).toEqual(['interrupted', 'interrupted', 'interrupted', 'succeeded']);
      expect(runs.slice(0, 3).map((r) => r.imported + r.unchanged)).toEqual(snapshots.map((s) => s.committed));
      expect(runs.slice(0, 3).every((r) => r.finishedAt === null)).toBe(true);
      expect(runs[3]).toMatchObject({ status: 'succeeded', imported: cohort.resources - finalCommitted, updated: 0, unchanged: finalCommitted, rejected: 0 });
      console.info(
        `crash-safety (SQLite): ${cohort.resources} resources in batches of ${BATCH}; killed with ${snapshots.map((s) => s.committed).join(', ')} committed; ` +
          `killed runs: ${JSON.stringify(runs.slice(0, 3))}`,
      );
    } finally {
      await final.close();
    }
    // The run locks (libs/store/src/run-liveness.ts): the killed runs' swept, the finished run's released.
    expect(readdirSync(`${path}-import-runs`)).toEqual([]);
  }, TEST_TIMEOUT_MS);
});

// PostgreSQL: a throw-away server (tools/postgres, as the store's tests use), when installed.
type TestPostgres = { url: string; adminUrl: string; stop(): Promise<void> };
const postgresTools = pathToFileURL(join(repoRoot, 'tools', 'postgres', 'start-test-postgres.mjs')).href;
const { findPostgresBin, startTestPostgres } = (await import(postgresTools)) as {
  findPostgresBin(): string | undefined;
  startTestPostgres(options?: { database?: string }): Promise<TestPostgres>;
};
const havePostgres = Boolean(findPostgresBin());
if (!havePostgres) console.warn('⚠ crash-safety: PostgreSQL is not installed: the PostgreSQL variant is SKIPPED (apt-get install -y postgresql).');

describe.skipIf(!havePostgres)('FHIR import killed with SIGKILL on PostgreSQL, then run again', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    void cleanFhirImport();
    server = await startTestPostgres({ database: 'oncoboard_crash_test' });
  });
  afterAll(async () => server?.stop());

  it('killed in the middle inside a write transaction, the store keeps whole batches only; the next run completes it exactly once', async () => {
    const url = server.url;
    const cli = startCli(importArgs(), url);
    const probe = await waitForStore(() => postgresProbe(url), cli);
    try {
      const committed = await killInsideWriteTransaction(cli, probe, (n) => n >= cohort.resources / 2);
      const clean = await cleanFhirImport();
      // The killed session's transaction is rolled back by the server; give it the moment to notice the closed socket.
      for (let i = 0; i < 100 && (await probe.writeTransactionOpen()); i++) await sleep(50);
      expect(await probe.writeTransactionOpen()).toBe(false);
      expectWholeBatches(await contentsOf(probe), clean, cohort, committed, 'PostgreSQL run 1 (killed in the middle)');
      expect(await probe.rows<ImportRunRow>(RUNS_SQL)).toMatchObject([{ status: 'running', finishedAt: null, imported: committed, unchanged: 0 }]);

      const last = await runCli(importArgs(), url);
      expect(summaryOf(last.stdout)).toEqual({ imported: cohort.resources - committed, updated: 0, unchanged: committed, rejected: 0 });
      expectSameAsClean(await contentsOf(probe), clean, cohort);
      const runs = await probe.rows<ImportRunRow>(RUNS_SQL);
      expect(runs.map((r) => r.status)).toEqual(['interrupted', 'succeeded']);
      expect(runs[1]).toMatchObject({ imported: cohort.resources - committed, unchanged: committed });
      console.info(`crash-safety (PostgreSQL): killed with ${committed} of ${cohort.resources} committed`);
    } finally {
      await probe.close();
    }
  }, TEST_TIMEOUT_MS);
});

// -------------------------------------------------------------------------------------------------------------

describe('imaging import with lesion encoding killed with SIGKILL, then run again', () => {
  const patient = 'Patient/crash-imaging-1';
  let args: string[];

  beforeAll(() => {
    // The synthetic CT phantom (one 5 mL lesion) and a mask with two more lesions: three lesions, each with a
    // measurement, radiomics and an embedding by the shipped encoder.
    const phantom = syntheticCtPhantom({ size: 64, slices: 32, pixelMm: 2, sliceMm: 2, lesionMl: 5 });
    const n = 64;
    const mask = phantom.mask;
    const cube = (x0: number, y0: number, z0: number, sx: number, sy: number, sz: number) => {
      for (let z = z0; z < z0 + sz; z++) for (let y = y0; y < y0 + sy; y++) for (let x = x0; x < x0 + sx; x++) mask.voxels[x + y * n + z * n * n] = 1;
    };
    cube(10, 10, 5, 4, 4, 4);
    cube(50, 46, 24, 5, 5, 3);
    const seriesDir = join(work, 'imaging', 'ct');
    writeDicomSeries(phantom.image, seriesDir, 'crash-safety-ct', { date: '20240301' });
    const maskFile = writeNifti(mask, join(work, 'imaging', 'lesions.nii'));
    args = ['imaging-import', seriesDir, '--patient', patient, '--mask', maskFile];
  });

  it('on SQLite: killed while encoding and just before committing the study, the store has none of it; the next run stores it once, complete', async () => {
    const cleanPath = join(work, 'imaging-clean', 'store.db');
    const cleanRun = runCli(args, `file:${cleanPath}`);
    const path = join(work, 'imaging-killed', 'store.db');
    const url = `file:${path}`;

    // Run 1: killed from outside while encoding (after the radiomics of every lesion: the encoder is loading or running).
    const cli = startCli(args, url);
    for (;;) {
      if (/radiomics \[#+\] (\d+)\/\1/.test(cli.output().stderr)) break;
      if (cli.child.exitCode !== null || cli.child.signalCode !== null) throw new Error(`imaging-import ended before encoding:\n${cli.output().stderr}`);
      await sleep(2);
    }
    killGroup(cli.child, 'SIGSTOP');
    killGroup(cli.child, 'SIGKILL');
    const killed = await cli.exited;
    expect(killed.stderr).not.toMatch(/writing \[#+\] 1\/1/);
    const probe = sqliteProbe(path);
    try {
      const nothing = { records: 0, facts: 0, events: 0, patients: 0 };
      const stored = async () => ({
        records: await probe.count('SourceRecord'),
        facts: await probe.count('Fact'),
        events: await probe.count('TimelineEvent'),
        patients: await probe.count('Patient'),
      });
      expect(await stored()).toEqual(nothing);
      expect((await probe.rows<ImportRunRow>(RUNS_SQL)).map((r) => r.status)).toEqual(['running']);

      // Run 2: killed from inside with the study's one write transaction complete but not committed.
      await runCliKilledAtCommit(args, url, 2);
      expect(sqliteIntegrity(path)).toEqual({ integrity: 'ok', foreignKeys: [] });
      expect(await stored()).toEqual(nothing);
      expect(await probe.rows<ImportRunRow>(RUNS_SQL)).toMatchObject([
        { status: 'interrupted', imported: 0 },
        { status: 'running', imported: 0 },
      ]);

      // Run 3 runs to the end: the series and its lesions, once, with every fact.
      const last = await runCli(args, url);
      expect(last.stdout).toContain('3 lesions measured, radiomics for 3, embeddings for 3');
      expect(last.stdout).toContain('imported 2, updated 0, unchanged 0');
      const clean = await cleanRun;
      expect(clean.stdout).toContain('imported 2, updated 0, unchanged 0');
      const cleanProbe = sqliteProbe(cleanPath);
      try {
        const after = await contentsOf(probe);
        const reference = await contentsOf(cleanProbe);
        expect([...after.records.keys()].map((k) => k.split('/')[0])).toEqual(['dicom', 'imaging']);
        expect(after.records).toEqual(reference.records);
        expect(after.patients).toEqual(reference.patients);
        expect(after.orphans).toBe(0);
        const kinds = await probe.rows<{ kind: string; n: number }>(`SELECT "kind", count(*) AS n FROM "Fact" GROUP BY "kind" ORDER BY "kind"`);
        expect(kinds).toEqual([
          { kind: 'imaging-embedding', n: 3 },
          { kind: 'lesion-measurement', n: 3 },
          { kind: 'radiomics-features', n: 3 },
        ]);
        expect(await probe.count('TimelineEvent')).toBe(2);
        const runs = await probe.rows<ImportRunRow>(RUNS_SQL);
        expect(runs.map((r) => r.status)).toEqual(['interrupted', 'interrupted', 'succeeded']);
      } finally {
        await cleanProbe.close();
      }
    } finally {
      await probe.close();
    }
  }, TEST_TIMEOUT_MS);
});
