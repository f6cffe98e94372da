/**
 * The bench's bulk loader: writes generated rows straight into the SQLite file behind a local D1
 * (Miniflare keeps one per database under `<persist>/v3/d1/`), while no wrangler dev holds it.
 * Ten million events through the Worker's D1 binding take most of an hour; this takes minutes.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** The one D1 database file wrangler created under `stateDir`. */
export function findD1File(stateDir) {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.sqlite') && name !== 'metadata.sqlite' && path.includes(join('v3', 'd1'))) found.push(path);
    }
  };
  walk(stateDir);
  if (found.length !== 1) throw new Error(`expected one D1 database under ${stateDir}, found ${found.length}`);
  return found[0];
}

/** A function inserting rows shaped like `sample` into `table` (`verb`: INSERT OR REPLACE to upsert). */
export function inserter(db, table, sample, verb = 'INSERT') {
  const cols = Object.keys(sample);
  const stmt = db.prepare(`${verb} INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  return (row) => stmt.run(...cols.map((c) => row[c]));
}

/**
 * Loads sessions from `generate(from, count, perDay)` until at least `events` events are in,
 * one transaction per chunk. Returns what was loaded.
 */
export function bulkLoad(file, generate, { events: target, perDay, chunk = 20_000, onProgress = () => {} }) {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA synchronous = OFF');
  // secondary indexes are built once at the end: maintaining them row by row makes a 10M load
  // several times slower as they outgrow the page cache
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('events', 'sessions') AND sql IS NOT NULL").all();
  for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
  let events = 0;
  let sessions = 0;
  let insertEvent;
  let insertSession;
  try {
    for (let from = 0; events < target; from += chunk) {
      const rows = generate(from, chunk, perDay);
      insertEvent ??= inserter(db, 'events', rows.events[0]);
      insertSession ??= inserter(db, 'sessions', rows.sessions[0]);
      db.exec('BEGIN');
      for (const e of rows.events) insertEvent(e);
      for (const s of rows.sessions) insertSession(s);
      db.exec('COMMIT');
      events += rows.events.length;
      sessions += rows.sessions.length;
      onProgress(events);
    }
    for (const { sql } of indexes) db.exec(sql);
  } finally {
    db.close();
  }
  return { events, sessions };
}
