/**
 * Vitest global setup: generates the Prisma clients if needed and starts one throw-away PostgreSQL server for
 * the whole run; each test makes its own database in it (src/test-support/test-databases.ts).
 *
 * PostgreSQL not installed: with CI set, the run fails here (the PostgreSQL variants must run in CI); otherwise
 * the PostgreSQL variants are skipped, and this says so on the console.
 */
import type { TestProject } from 'vitest/node';
import { findPostgresBin, startTestPostgres } from '../../tools/postgres/start-test-postgres.mjs';
import { generateClients } from './scripts/generate.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL (database "postgres") of the test server; '' when PostgreSQL tests are skipped. */
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  await generateClients({ quiet: true });
  if (!findPostgresBin()) {
    if (process.env.CI) {
      throw new Error('store tests: PostgreSQL is not installed and CI is set; the PostgreSQL variants must run (apt-get install -y postgresql)');
    }
    console.warn(
      '\n⚠ store tests: PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or PG_BIN): the PostgreSQL variants are SKIPPED. ' +
        'Install it (apt-get install -y postgresql) to run them; in CI this is an error.\n',
    );
    project.provide('postgresAdminUrl', '');
    return;
  }
  const server = await startTestPostgres({ database: 'oncoboard_store_test' });
  project.provide('postgresAdminUrl', server.adminUrl);
  return async () => {
    await server.stop();
  };
}
