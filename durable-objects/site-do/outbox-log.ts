/**
 * The SiteDO's durable log: every accepted event is one row here, written in `ingest`'s synchronous
 * step (the one durable write a 202 needs), and nothing else is written per event. Rows live in
 * generation tables (`outbox_gen_<n>`, a rowid table with no index: one row written per insert)
 * that are dropped whole once every row in them was accepted by the Queue and is no longer needed
 * to rebuild memory: `DROP TABLE` writes no rows, a per-row DELETE would write one per event.
 *
 * Rows: `e` an event (its StoredEvent JSON; `at` its arrival time, so realtime windows rebuild),
 * `s` a session checkpoint (the session JSON; `at` when it was last touched), written only for a
 * session that outlives the generation holding its opening event (see SiteDO's `housekeep`).
 * The "sent up to" cursor is one meta row (`outbox_cursor`), written after each accepted send.
 */
export type LogKind = 'e' | 's';

export type LogRow = {
  seq: number;
  at: number;
  kind: LogKind;
  body: string;
};

interface Generation {
  gen: number;
  /** rows in it, their seq range and arrival times, as this instance knows them */
  rows: number;
  lastSeq: number;
  oldestAt: number;
  newestAt: number;
}

/** What was sent: events up to `events`, and the session snapshots of every row up to `sessions`. */
export interface Cursor {
  events: number;
  sessions: number;
}

const CURSOR_KEY = 'outbox_cursor';
const table = (gen: number) => `outbox_gen_${gen}`;

export class OutboxLog {
  private gens: Generation[] = [];
  private nextSeq = 1;
  cursor: Cursor = { events: 0, sessions: 0 };

  /** Reads the generations and the cursor; the schema is migrated before. */
  constructor(private readonly sql: SqlStorage) {
    const names = sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'outbox\\_gen\\_%' ESCAPE '\\'")
      .toArray()
      .map((r) => Number(r.name.slice('outbox_gen_'.length)))
      .sort((a, b) => a - b);
    for (const gen of names) {
      const s = sql
        .exec<{ n: number; last: number | null; oldest: number | null; newest: number | null }>(
          `SELECT count(*) AS n, max(seq) AS last, min(at) AS oldest, max(at) AS newest FROM ${table(gen)}`,
        )
        .one();
      this.gens.push({ gen, rows: s.n, lastSeq: s.last ?? 0, oldestAt: s.oldest ?? Infinity, newestAt: s.newest ?? -Infinity });
      this.nextSeq = Math.max(this.nextSeq, (s.last ?? 0) + 1);
    }
    const row = sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', CURSOR_KEY).toArray()[0];
    if (row) this.cursor = JSON.parse(row.value) as Cursor;
    this.nextSeq = Math.max(this.nextSeq, this.cursor.events + 1, this.cursor.sessions + 1);
    if (!this.gens.length) this.open();
  }

  get current(): number {
    return this.gens.at(-1)!.gen;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** One row written. Returns the row's seq. */
  append(kind: LogKind, at: number, body: string): number {
    const gen = this.gens.at(-1)!;
    const seq = this.nextSeq++;
    this.sql.exec(`INSERT INTO ${table(gen.gen)} (seq, at, kind, body) VALUES (?, ?, ?, ?)`, seq, at, kind, body);
    gen.rows += 1;
    gen.lastSeq = seq;
    gen.oldestAt = Math.min(gen.oldestAt, at);
    gen.newestAt = Math.max(gen.newestAt, at);
    return seq;
  }

  /** Every row, oldest first (a rebuild). Generation by generation, so memory holds one at a time. */
  *rows(): Generator<LogRow & { gen: number }> {
    for (const { gen } of [...this.gens]) {
      for (const row of this.sql.exec<LogRow>(`SELECT seq, at, kind, body FROM ${table(gen)} ORDER BY seq`)) yield { ...row, gen };
    }
  }

  /** Events not yet accepted by the Queue, in order, read lazily. */
  *unsentEvents(limit: number): Generator<{ seq: number; body: string }> {
    for (const gen of this.gens) {
      if (gen.lastSeq <= this.cursor.events) continue;
      const rows = this.sql.exec<{ seq: number; body: string }>(
        `SELECT seq, body FROM ${table(gen.gen)} WHERE seq > ? AND kind = 'e' ORDER BY seq LIMIT ?`,
        this.cursor.events,
        limit,
      );
      for (const row of rows) {
        yield row;
        if (--limit <= 0) return;
      }
    }
  }

  unsentEventCount(): number {
    let n = 0;
    for (const gen of this.gens) {
      if (gen.lastSeq <= this.cursor.events) continue;
      n += this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table(gen.gen)} WHERE seq > ? AND kind = 'e'`, this.cursor.events).one().n;
    }
    return n;
  }

  /** When the oldest event the Queue has not accepted arrived (null: none waits). Reads, never writes. */
  oldestUnsentAt(): number | null {
    for (const gen of this.gens) {
      if (gen.lastSeq <= this.cursor.events) continue;
      const at = this.sql.exec<{ at: number | null }>(`SELECT min(at) AS at FROM ${table(gen.gen)} WHERE seq > ? AND kind = 'e'`, this.cursor.events).one().at;
      if (at !== null) return at;
    }
    return null;
  }

  /** One row written (an upsert of the meta row), only when the cursor moved. */
  advance(next: Cursor): void {
    if (next.events === this.cursor.events && next.sessions === this.cursor.sessions) return;
    this.cursor = { ...next };
    this.sql.exec(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      CURSOR_KEY,
      JSON.stringify(this.cursor),
    );
  }

  /** Starts a new generation (CREATE TABLE: 2 rows written) once the current one is old or big. */
  rotateIfDue(now: number, maxAgeMs: number, maxRows: number): boolean {
    const gen = this.gens.at(-1)!;
    if (gen.rows === 0 || (gen.oldestAt > now - maxAgeMs && gen.rows < maxRows)) return false;
    this.open();
    return true;
  }

  /**
   * The oldest generation, if it may go: not the open one, every row in it sent (events and the
   * session snapshots they changed), and nothing in it arrived after `retainedAfter`.
   */
  droppable(retainedAfter: number): number | null {
    const [oldest, next] = this.gens;
    if (!oldest || !next) return null;
    const sent = Math.min(this.cursor.events, this.cursor.sessions);
    return oldest.lastSeq <= sent && oldest.newestAt <= retainedAfter ? oldest.gen : null;
  }

  /** DROP TABLE: no rows written, however many it held. */
  drop(gen: number): void {
    this.sql.exec(`DROP TABLE IF EXISTS ${table(gen)}`);
    this.gens = this.gens.filter((g) => g.gen !== gen);
  }

  /**
   * Deletes the rows `where` matches in every generation (an erasure: rare, so per-row deletes
   * are fine). Returns how many of them had not been sent yet, and how many in all.
   */
  deleteWhere(where: string, ...params: unknown[]): { unsent: number; all: number } {
    let unsent = 0;
    let all = 0;
    for (const gen of this.gens) {
      unsent += this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table(gen.gen)} WHERE kind = 'e' AND seq > ? AND (${where})`, this.cursor.events, ...params).one().n;
      const deleted = this.sql.exec(`DELETE FROM ${table(gen.gen)} WHERE ${where}`, ...params).rowsWritten;
      all += deleted;
      gen.rows -= deleted;
    }
    return { unsent, all };
  }

  private open(): void {
    const gen = (this.gens.at(-1)?.gen ?? 0) + 1;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS ${table(gen)} (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL)`);
    this.gens.push({ gen, rows: 0, lastSeq: this.lastSeq, oldestAt: Infinity, newestAt: -Infinity });
  }
}
