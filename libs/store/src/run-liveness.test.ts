import { existsSync, readdirSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { sqlitePathOf } from './database-url';
import { openStore } from './store';
import { observation } from './test-support/records';
import { cleanupTestDatabases, describeEachProvider, freshDatabaseUrl } from './test-support/test-databases';

// An import run whose process died keeps status "running" in its row; the next beginImportRun marks it
// "interrupted", never a run whose process is still alive. A store closed without finishing its run is a process
// that ended without finishing it (its lock is released like a killed process's). The SIGKILL case itself, through
// the CLI, is libs/ingest/src/crash-safety.test.ts.
afterAll(cleanupTestDatabases);

describeEachProvider('import runs left unfinished', (provider) => {
  it('count what each batch committed, before the run finishes', async () => {
    const store = await openStore({ databaseUrl: await freshDatabaseUrl(provider) });
    try {
      const run = await store.beginImportRun('counted');
      await store.writeRecords(run.id, [observation({ id: 'a', patient: 'Patient/p1' }), observation({ id: 'b', patient: 'Patient/p1' })]);
      await store.writeRecords(run.id, [observation({ id: 'a', patient: 'Patient/p1' }), observation({ id: 'c', patient: 'Patient/p1' })]);
      await store.writeRecords(run.id, [observation({ id: 'c', patient: 'Patient/p1', revision: 1 })]);
      expect((await store.listImportRuns(1))[0]).toMatchObject({ status: 'running', imported: 3, updated: 1, unchanged: 1, finishedAt: null });
      await store.finishImportRun(run.id, { imported: 3, updated: 1, unchanged: 1, rejected: 2, status: 'succeeded' });
      expect((await store.listImportRuns(1))[0]).toMatchObject({ status: 'succeeded', imported: 3, updated: 1, unchanged: 1, rejected: 2 });
    } finally {
      await store.close();
    }
  });

  it('are marked "interrupted" by the next run once their process is gone, and only then', async () => {
    const databaseUrl = await freshDatabaseUrl(provider);
    const gone = await openStore({ databaseUrl });
    const alive = await openStore({ databaseUrl });
    const next = await openStore({ databaseUrl });
    try {
      const lost = await gone.beginImportRun('killed halfway');
      await gone.writeRecords(lost.id, [observation({ id: 'a', patient: 'Patient/p1' })]);
      await gone.close(); // ended without finishing its run
      const running = await alive.beginImportRun('still going');

      const third = await next.beginImportRun('next');
      const byId = new Map((await next.listImportRuns()).map((r) => [r.id, r]));
      expect(byId.get(lost.id)).toMatchObject({ status: 'interrupted', imported: 1, finishedAt: null });
      expect(byId.get(running.id)).toMatchObject({ status: 'running' });
      expect(byId.get(third.id)).toMatchObject({ status: 'running' });

      // Finishing is unaffected, and a finished run is never touched again.
      await alive.finishImportRun(running.id, { imported: 0, updated: 0, unchanged: 0, rejected: 0, status: 'succeeded' });
      await next.finishImportRun(third.id, { imported: 0, updated: 0, unchanged: 0, rejected: 0, status: 'failed' });
      await next.beginImportRun('after');
      expect((await next.listImportRuns()).map((r) => r.status)).toEqual(['running', 'failed', 'succeeded', 'interrupted']);
      if (provider === 'sqlite') {
        // One lock file per running run, removed when it finishes or is found dead.
        const dir = `${sqlitePathOf(databaseUrl)}-import-runs`;
        expect(existsSync(dir) && readdirSync(dir)).toEqual([`${(await next.listImportRuns(1))[0]!.id}.lock`]);
      }
    } finally {
      await Promise.all([alive.close(), next.close()]);
    }
  });
});
