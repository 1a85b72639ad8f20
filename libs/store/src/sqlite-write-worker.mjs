// The store's SQLite write connection, in a worker thread: better-sqlite3 is synchronous, so on the main thread
// every insert would stop the import from reading and mapping the next batch. Here the two overlap (the import
// keeps one batch in flight). Plain JavaScript so it loads the same under node, tsx and Vitest.
// Protocol: { id, op, ... } in; { id, result } or { id, error: { message, code } } out. See sql-writer.ts.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** SQLite allows 32,766 bind parameters per statement; 64 rows a statement is past the gains. */
const MAX_PARAMS = 30_000;
const ROWS_PER_INSERT = 64;

mkdirSync(dirname(workerData.path), { recursive: true });
const db = new Database(workerData.path, { timeout: 15_000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('temp_store = MEMORY');
db.pragma('cache_size = -65536');
// Checkpoint every 64 MB of WAL rather than 4 MB: fewer fsyncs during an import (the WAL is reset afterwards).
db.pragma('wal_autocheckpoint = 16384');

const statements = new Map();
function prepare(sql) {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    if (statements.size > 500) statements.clear();
    statements.set(sql, statement);
  }
  return statement;
}

const quote = (name) => `"${name.replace(/"/g, '""')}"`;
const rowPlaceholders = (n) => `(${Array.from({ length: n }, () => '?').join(', ')})`;

function insertMany(table, columns, rows) {
  const perStatement = Math.max(1, Math.min(ROWS_PER_INSERT, Math.floor(MAX_PARAMS / columns.length)));
  const insert = (n) => prepare(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES ${Array.from({ length: n }, () => rowPlaceholders(columns.length)).join(', ')}`);
  let start = 0;
  if (rows.length >= perStatement) {
    const many = insert(perStatement);
    for (; start + perStatement <= rows.length; start += perStatement) many.run(rows.slice(start, start + perStatement).flat());
  }
  if (start < rows.length) {
    const one = insert(1);
    for (; start < rows.length; start++) one.run(rows[start]);
  }
}

const ops = {
  // IMMEDIATE: take the write lock now (waiting up to the busy timeout for other processes), so a transaction
  // that reads first never fails later when it upgrades to writing.
  begin: () => void db.exec('BEGIN IMMEDIATE'),
  commit: () => void db.exec('COMMIT'),
  rollback: () => void (db.inTransaction && db.exec('ROLLBACK')),
  query: (m) => prepare(m.sql).all(m.params),
  run: (m) => prepare(m.sql).run(m.params).changes,
  runMany: (m) => {
    const statement = prepare(m.sql);
    let changes = 0;
    for (const params of m.paramsList) changes += statement.run(params).changes;
    return changes;
  },
  insertMany: (m) => insertMany(m.table, m.columns, m.rows),
  // begin + insertMany + commit in one message (sql-writer.ts insertCommitted): rolled back whole on any error.
  insertCommitted: (m) => void db.transaction(() => insertMany(m.table, m.columns, m.rows)).immediate(),
  close: () => {
    statements.clear();
    db.close();
  },
};

parentPort.on('message', (message) => {
  try {
    parentPort.postMessage({ id: message.id, result: ops[message.op](message) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: { message: error?.message ?? String(error), code: error?.code } });
  }
  if (message.op === 'close') parentPort.close();
});
