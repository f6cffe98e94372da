/**
 * The SiteDO's own SQLite schema. Versioned: each entry runs once, in order, inside
 * blockConcurrencyWhile; `schema_version` remembers how far an object has come (DO SQLite
 * does not allow `PRAGMA user_version`).
 * Never edit an entry after it ships — append a new one.
 */
const STEPS: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE salts (day TEXT PRIMARY KEY, salt TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE sessions (
     id TEXT PRIMARY KEY, visitor_id INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
     touched_at INTEGER NOT NULL, body TEXT NOT NULL);
   CREATE INDEX sessions_visitor ON sessions (visitor_id, end);
   CREATE INDEX sessions_touched ON sessions (touched_at);
   CREATE TABLE outbox_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, bytes INTEGER NOT NULL, body TEXT NOT NULL);
   CREATE TABLE outbox_sessions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL);
   CREATE TABLE outbox_drops (day TEXT NOT NULL, reason TEXT NOT NULL, count INTEGER NOT NULL,
     PRIMARY KEY (day, reason));
   CREATE TABLE rt_minutes (minute INTEGER PRIMARY KEY, pageviews INTEGER NOT NULL, events INTEGER NOT NULL);
   CREATE TABLE rt_minute_visitors (minute INTEGER NOT NULL, visitor_id INTEGER NOT NULL,
     PRIMARY KEY (minute, visitor_id)) WITHOUT ROWID;`,
  // 2: one compact row per accepted event of the last 30 minutes (arrival time), for the realtime
  // breakdowns, goal conversions and the recent-events list. No IP, UA or uid: only the hashed id.
  `CREATE TABLE rt_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, visitor_id INTEGER NOT NULL,
     id TEXT NOT NULL, name TEXT NOT NULL, pathname TEXT NOT NULL, source TEXT NOT NULL, country TEXT, device TEXT NOT NULL);
   CREATE INDEX rt_events_at ON rt_events (at, visitor_id);`,
  // 3: a pending session snapshot is the row in `sessions`; the outbox keeps only which version
  // is due, so each event writes the session's JSON once instead of twice.
  `ALTER TABLE outbox_sessions DROP COLUMN body;`,
  // 4: outbox rows the Queue can never take (larger than any message may be) leave the outbox
  // for here, so they are kept and counted instead of blocking every later row (issue 13).
  `CREATE TABLE outbox_dead (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, bytes INTEGER NOT NULL,
     reason TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL);`,
  // 5: drop counts are sealed under an id before they are sent, and resent under that id until
  // the Queue took them; new drops count in the open row (sealed = ''). A resend after a kill
  // mid-flush counted them twice (fault suite).
  `CREATE TABLE outbox_drops_sealed (day TEXT NOT NULL, reason TEXT NOT NULL, sealed TEXT NOT NULL DEFAULT '',
     count INTEGER NOT NULL, PRIMARY KEY (day, reason, sealed));
   INSERT INTO outbox_drops_sealed (day, reason, count) SELECT day, reason, count FROM outbox_drops;
   DROP TABLE outbox_drops;
   ALTER TABLE outbox_drops_sealed RENAME TO outbox_drops;`,
  // 6: one row written per event (issue 14). Events, and checkpoints of open sessions, go to
  // generation tables dropped whole once sent (outbox-log.ts); sessions, realtime and drop counts
  // live in memory and are rebuilt from those rows. What the old tables hold moves over: waiting
  // events (arrival unknown: they count for no realtime window), every session as a checkpoint
  // (all resent once: the consumer keeps the newest version). Seqs go on from the old table's
  // (batch ids name seq ranges, and an old range's R2 object must not be overwritten). Realtime
  // restarts empty. Drop
  // counts stay in `outbox_drops` until sent (nothing new is written there).
  `CREATE TABLE outbox_gen_1 (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL);
   INSERT INTO outbox_gen_1 (seq, at, kind, body) SELECT seq, 0, 'e', body FROM outbox_events;
   INSERT INTO meta (key, value) SELECT 'outbox_cursor', json_object('events', coalesce(
     (SELECT min(seq) - 1 FROM outbox_events), (SELECT seq FROM sqlite_sequence WHERE name = 'outbox_events'), 0), 'sessions', 0);
   INSERT INTO outbox_gen_1 (seq, at, kind, body)
     SELECT max((SELECT coalesce(max(seq), 0) FROM outbox_gen_1), (SELECT json_extract(value, '$.events') FROM meta WHERE key = 'outbox_cursor'))
       + row_number() OVER (ORDER BY id), touched_at, 's', body FROM sessions;
   DROP TABLE outbox_events;
   DROP TABLE outbox_sessions;
   DROP TABLE sessions;
   DROP TABLE rt_minutes;
   DROP TABLE rt_minute_visitors;
   DROP TABLE rt_events;`,
];

export function migrateStorage(sql: SqlStorage): void {
  sql.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = sql.exec<{ version: number }>('SELECT version FROM schema_version').toArray()[0];
  if (!row) sql.exec('INSERT INTO schema_version (version) VALUES (0)');
  for (let version = row?.version ?? 0; version < STEPS.length; version++) {
    sql.exec(STEPS[version]!);
    sql.exec('UPDATE schema_version SET version = ?', version + 1);
  }
}
