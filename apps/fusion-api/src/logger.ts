import { pino } from 'pino';

/**
 * Structured logs for operators. Never pass patient data (names, identifiers, dates of birth, report text,
 * request inputs) into a log call: log counts, ids of runs, procedure names and error classes only.
 */
export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'oncoboard-fusion-api' } });
