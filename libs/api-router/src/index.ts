export { appRouter, type AppRouter, MAX_UPLOAD_BYTES } from './router';
export { createCallerFactory, type ApiContext } from './trpc';
export { buildPatientOverview } from './overview';
export type * from './contract';
export type * from './reports-genomics';
