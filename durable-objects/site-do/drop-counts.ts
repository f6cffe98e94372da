import type { DropCount, DropReason } from '../../contract/events';

/**
 * Drop counts (why events were not accepted), kept in memory: they are no accepted event, so they
 * cost no row per drop. A flush seals the open counts under an id and sends them; counts sealed
 * by a flush the Queue refused are resent under the same id, so the consumer's key ignores a
 * second copy. An eviction loses the open counts (at most one flush interval of drops) and never
 * doubles any. Counts an older version left in `outbox_drops` are sent from there, then deleted.
 */
export interface SealedDrops {
  seal: string;
  drops: DropCount[];
  /** the `outbox_drops.sealed` value these came from, for counts an older version stored */
  legacy?: string;
}

export class DropCounts {
  private open = new Map<string, DropCount>();
  private sealed: SealedDrops[] = [];

  constructor(private readonly sql: SqlStorage) {
    const rows = sql.exec<{ day: string; reason: DropReason; sealed: string; count: number }>('SELECT day, reason, sealed, count FROM outbox_drops').toArray();
    for (const key of new Set(rows.map((r) => r.sealed))) {
      const drops = rows.filter((r) => r.sealed === key).map(({ day, reason, count }) => ({ day, reason, count }));
      this.sealed.push({ seal: key || crypto.randomUUID(), drops, legacy: key });
    }
  }

  count(day: string, reason: DropReason, count = 1): void {
    if (count <= 0) return;
    const key = `${day}|${reason}`;
    const held = this.open.get(key);
    if (held) held.count += count;
    else this.open.set(key, { day, reason, count });
  }

  /** What the next flush sends: the batches sealed before (resent as they were), else the open counts, sealed now. */
  seal(): SealedDrops[] {
    if (!this.sealed.length && this.open.size) {
      this.sealed.push({ seal: crypto.randomUUID(), drops: [...this.open.values()] });
      this.open.clear();
    }
    return this.sealed;
  }

  /** The Queue took (or dead-lettered) the counts sealed as `seal`. */
  sent(seal: string): void {
    const done = this.sealed.find((s) => s.seal === seal);
    if (!done) return;
    this.sealed = this.sealed.filter((s) => s !== done);
    if (done.legacy !== undefined) this.sql.exec('DELETE FROM outbox_drops WHERE sealed = ?', done.legacy);
  }

  pending(): number {
    return this.sealed.reduce((n, s) => n + s.drops.length, 0) + this.open.size;
  }
}
