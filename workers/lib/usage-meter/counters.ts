/**
 * The usage meters' counters (see usage-meter.ts): per stage, module-level, so per isolate; and
 * the one wrapper per (binding, stage) the meters hand out.
 */
export interface RowCounts {
  statements: number;
  rowsRead: number;
  rowsWritten: number;
}

export interface StageUsage {
  d1: RowCounts;
  /** DO SQLite; `setAlarm` counts as one row written (it stores the alarm in the object) */
  doSql: RowCounts & { alarmsSet: number };
  r2: { classA: number; classB: number; bytesPut: number; bytesGot: number };
  /** `ops` is what Queues bill: write, read and delete of every started 64 KB of each message */
  queue: { sends: number; messages: number; bytes: number; ops: number };
  /** calls on Durable Object stubs, by binding */
  doRequests: Record<string, number>;
}

const usage = new Map<string, StageUsage>();

export function emptyUsage(): StageUsage {
  return {
    d1: { statements: 0, rowsRead: 0, rowsWritten: 0 },
    doSql: { statements: 0, rowsRead: 0, rowsWritten: 0, alarmsSet: 0 },
    r2: { classA: 0, classB: 0, bytesPut: 0, bytesGot: 0 },
    queue: { sends: 0, messages: 0, bytes: 0, ops: 0 },
    doRequests: {},
  };
}

/** The counters of `stage`, made on first use. */
export function stageUsage(stage: string): StageUsage {
  let u = usage.get(stage);
  if (!u) usage.set(stage, (u = emptyUsage()));
  return u;
}

/** A copy of every stage's counters as they stand. */
export function snapshotUsage(): Record<string, StageUsage> {
  return Object.fromEntries([...usage].map(([stage, u]) => [stage, structuredClone(u)]));
}

export function clearUsage(): void {
  usage.clear();
}

/** The sum of several stages' counters (all of them when `stages` is omitted). */
export function totalUsage(all: Record<string, StageUsage>, stages = Object.keys(all)): StageUsage {
  const sum = emptyUsage();
  for (const stage of stages) {
    const u = all[stage];
    if (!u) continue;
    for (const part of ['d1', 'doSql', 'r2', 'queue'] as const) {
      const into = sum[part] as unknown as Record<string, number>;
      for (const [k, v] of Object.entries(u[part])) into[k] = (into[k] ?? 0) + v;
    }
    for (const [k, v] of Object.entries(u.doRequests)) sum.doRequests[k] = (sum.doRequests[k] ?? 0) + v;
  }
  return sum;
}

const realOf = new WeakMap<object, object>();
const wrappers = new WeakMap<object, Map<string, object>>();

/** The binding under any meter: a key that is the same whichever stage wrapped it. */
export function realBinding<T extends object>(binding: T): T {
  return (realOf.get(binding) as T | undefined) ?? binding;
}

/** The one wrapper of `binding` (unwrapped first) for `stage`. */
export function wrapOnce<T extends object>(binding: T, stage: string, make: (real: T) => T): T {
  const real = realBinding(binding);
  let byStage = wrappers.get(real);
  if (!byStage) wrappers.set(real, (byStage = new Map()));
  let wrapped = byStage.get(stage) as T | undefined;
  if (!wrapped) {
    wrapped = make(real);
    realOf.set(wrapped, real);
    byStage.set(stage, wrapped);
  }
  return wrapped;
}
