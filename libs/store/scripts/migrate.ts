/**
 * Creates / migrates the store's database: DATABASE_URL, else the embedded SQLite file <repo>/data/oncoboard.db.
 *
 *   node --import tsx libs/store/scripts/migrate.ts            apply pending migrations
 *   node --import tsx libs/store/scripts/migrate.ts --status   list pending migrations, change nothing
 */
import { describeDatabaseUrl, migrateStore, pendingMigrationNames, resolveDatabaseUrl } from '../src/index';

const url = resolveDatabaseUrl();
try {
  if (process.argv.includes('--status')) {
    const pending = await pendingMigrationNames(url);
    console.log(pending.length ? `${describeDatabaseUrl(url)}: ${pending.length} pending: ${pending.join(', ')}` : `${describeDatabaseUrl(url)} is up to date`);
  } else {
    const { applied } = await migrateStore(url);
    console.log(applied.length ? `applied ${applied.length} migration(s) to ${describeDatabaseUrl(url)}: ${applied.join(', ')}` : `${describeDatabaseUrl(url)} is up to date`);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
