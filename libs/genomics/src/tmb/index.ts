export * from './tmb.js';
