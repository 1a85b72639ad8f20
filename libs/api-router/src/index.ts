export { appRouter, type AppRouter, MAX_UPLOAD_BYTES } from './router';
export { ANONYMOUS_PROCEDURES, createCallerFactory, type ApiClientInfo, type ApiContext, type ProcedureMeta } from './trpc';
export { anonymousContext, testContext, type TestUserOptions } from './test-context';
export { buildPatientOverview } from './overview';
export type * from './contract';
export type * from './reports-genomics';
