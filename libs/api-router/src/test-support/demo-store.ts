import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importFhirPath } from '@oncoboard/ingest';
import { openStore, type Store } from '@oncoboard/store';

/** The bundled demo cohort (mCODE STU4 examples). */
export const demoDir = resolve(import.meta.dirname, '../../../../demo/mcode-stu4');

export interface DemoStore {
  store: Store;
  /** The temporary folder holding the database, for a test's own files. */
  work: string;
  /** Closes the store and removes the folder. */
  close(): Promise<void>;
}

/** A real SQLite store in a new temporary folder, holding the demo cohort imported through libs/ingest. */
export async function openDemoStore(name: string): Promise<DemoStore> {
  const work = mkdtempSync(join(tmpdir(), `oncoboard-${name}-`));
  const store = await openStore({ databaseUrl: `file:${join(work, 'api.db')}` });
  await importFhirPath(demoDir, { store });
  return {
    store,
    work,
    async close() {
      await store.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
