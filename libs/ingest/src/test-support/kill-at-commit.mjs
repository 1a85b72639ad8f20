// Fault injection for the crash-safety tests (libs/ingest/src/crash-safety.test.ts): preloaded into the real CLI
// process (NODE_OPTIONS=--import=<this file>), it SIGKILLs the process at the worst moment of a store write: with
// a write transaction open and every row of it sent, just before COMMIT would be sent.
//
//   ONCOBOARD_TEST_KILL_AT_COMMIT=<n>   the n-th store write transaction (1 = beginImportRun's, 2 = the first
//                                       writeRecords batch, ...) is killed instead of committed.
//
// SQLite: the store's write connection lives in a worker thread (libs/store/src/sqlite-write-worker.mjs) that
// gets one message per statement; the main thread awaits each reply before sending the next, so when the
// { op: 'commit' } message is about to go out, every statement of the transaction has run in the worker.
// PostgreSQL: the store's writer sends 'COMMIT' on a pg client that took the OncoBoard write lock in this
// transaction (Prisma's reads and the migration runner use pg too, and are not counted).
// Plain JavaScript: loaded by node before tsx compiles anything else. Not used outside tests.
import { writeSync } from 'node:fs';
import { isMainThread, Worker } from 'node:worker_threads';

const target = Number(process.env.ONCOBOARD_TEST_KILL_AT_COMMIT);

function die(where) {
  writeSync(2, `kill-at-commit: SIGKILL before COMMIT of write transaction ${target} (${where}), pid ${process.pid}\n`);
  process.kill(process.pid, 'SIGKILL');
}

if (isMainThread && Number.isInteger(target) && target > 0) {
  let commits = 0;
  const postMessage = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && typeof message === 'object' && message.op === 'commit' && ++commits === target) die('SQLite');
    return postMessage.call(this, message, ...rest);
  };

  const { default: pg } = await import('pg');
  const query = pg.Client.prototype.query;
  const writeLocked = new WeakSet();
  pg.Client.prototype.query = function (config, ...rest) {
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string') {
      if (text.startsWith('SELECT pg_advisory_xact_lock')) writeLocked.add(this);
      else if (text === 'COMMIT' && writeLocked.has(this)) {
        writeLocked.delete(this);
        if (++commits === target) die('PostgreSQL');
      } else if (text === 'ROLLBACK') writeLocked.delete(this);
    }
    return query.call(this, config, ...rest);
  };
}
