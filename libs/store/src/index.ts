/**
 * The OncoBoard store: verbatim source records with their history, the facts and timeline events derived from
 * them, patients, and import runs. One schema (prisma/schema.prisma), two databases: SQLite embedded by default,
 * PostgreSQL when DATABASE_URL says so. Migrations are committed SQL applied by `migrateStore`.
 */
export { describeDatabaseUrl, providerOf, resolveDatabaseUrl, type DatabaseProvider } from './database-url';
export { listMigrations, migrateStore, pendingMigrationNames, type MigrateOptions, type MigrationFile } from './migrate';
export { withWriteAudit, type AuditedWritesStore } from './audited-writes';
export { INTERRUPTED, openStore, PRIMARY_CANCER_KIND, STAGE_GROUP_KIND, type OpenStoreOptions } from './store';
export type { Prisma, StoreClient } from './client';
export { prismaAccessReads, type AccessReads, type SessionWithUser } from './access-reads';
export { parseIsoDate, sortableInstant, type ParsedDate } from './dates';
/** The search-column matching, for queries that add their own filters (the access-filtered patient list, libs/api-router). */
export { queryWords, stageQueryPattern } from './search-terms';
export type * from './types';
