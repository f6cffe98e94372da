/**
 * Usage meters: what each stage of the pipeline is billed for (DESIGN §8b), counted where the
 * bindings are used. D1 rows read and written (`meta.rows_read`/`rows_written`, index entries
 * included), DO SQLite rows (each cursor's `rowsRead`/`rowsWritten`), R2 operations by class and
 * bytes, Queue messages and bytes, Durable Object requests. `npm run bench:cost` reads them to
 * price an event; they never change what a call does or returns.
 *
 * They stay on in production: a few additions per call, nothing billable. The counters are
 * module-level, so they are per isolate (one isolate may hold the Worker and several objects, and
 * Cloudflare runs many isolates): they add up what this isolate did since it started or since
 * `resetUsage`, not what the deployment did.
 *
 * Entry points wrap their bindings once (`meterEnv(env, 'consumer')`, `meterSql(ctx.storage.sql,
 * 'site-do')`). Wrapping an already wrapped binding re-labels it instead of counting twice, and
 * each (binding, stage) has one wrapper, so caches keyed by a binding keep working per stage
 * (`realBinding` gives the shared key). No `cloudflare:*` import, so the unit project can test it.
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

const QUEUE_OP_BYTES = 64 * 1024;
const OPS_PER_MESSAGE = 3;

const usage = new Map<string, StageUsage>();

function emptyUsage(): StageUsage {
  return {
    d1: { statements: 0, rowsRead: 0, rowsWritten: 0 },
    doSql: { statements: 0, rowsRead: 0, rowsWritten: 0, alarmsSet: 0 },
    r2: { classA: 0, classB: 0, bytesPut: 0, bytesGot: 0 },
    queue: { sends: 0, messages: 0, bytes: 0, ops: 0 },
    doRequests: {},
  };
}

function stageUsage(stage: string): StageUsage {
  let u = usage.get(stage);
  if (!u) usage.set(stage, (u = emptyUsage()));
  return u;
}

/** A copy of every stage's counters so far (open DO SQLite cursors folded in first). */
export function readUsage(): Record<string, StageUsage> {
  foldCursors(false);
  return Object.fromEntries([...usage].map(([stage, u]) => [stage, structuredClone(u)]));
}

/** Starts every counter from zero (the bench, between phases). */
export function resetUsage(): void {
  foldCursors(true);
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

// --- wrappers: one per (real binding, stage), and a way back to the real binding --------------

const realOf = new WeakMap<object, object>();
const wrappers = new WeakMap<object, Map<string, object>>();

/** The binding under any meter: a key that is the same whichever stage wrapped it. */
export function realBinding<T extends object>(binding: T): T {
  return (realOf.get(binding) as T | undefined) ?? binding;
}

function wrapOnce<T extends object>(binding: T, stage: string, make: (real: T) => T): T {
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

// --- D1 ------------------------------------------------------------------------------------------

type Meta = { rows_read?: number; rows_written?: number } | undefined;

function countD1(stage: string, meta: Meta): void {
  const d1 = stageUsage(stage).d1;
  d1.statements += 1;
  d1.rowsRead += meta?.rows_read ?? 0;
  d1.rowsWritten += meta?.rows_written ?? 0;
}

const realStatement = new WeakMap<object, D1PreparedStatement>();

function meterStatement(statement: D1PreparedStatement, stage: string): D1PreparedStatement {
  const metered = {
    bind: (...values: unknown[]) => meterStatement(statement.bind(...values), stage),
    async run() {
      const result = await statement.run();
      countD1(stage, result.meta);
      return result;
    },
    async all() {
      const result = await statement.all();
      countD1(stage, result.meta);
      return result;
    },
    // `first` returns no meta: run the statement whole (as `first` does) and pick the row.
    async first(column?: string) {
      const result = await statement.all<Record<string, unknown>>();
      countD1(stage, result.meta);
      const row = result.results[0];
      if (row === undefined) return null;
      if (column === undefined) return row;
      if (!(column in row)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
      return row[column];
    },
    // `raw` returns no meta either, and keeps columns of equal names apart: counted as a statement.
    async raw(options?: { columnNames?: boolean }) {
      const rows = await statement.raw(options as { columnNames: true });
      countD1(stage, undefined);
      return rows;
    },
  } as unknown as D1PreparedStatement;
  realStatement.set(metered, statement);
  return metered;
}

function unwrapStatement(statement: D1PreparedStatement): D1PreparedStatement {
  return realStatement.get(statement) ?? statement;
}

/** `db` counting every statement's rows read and written under `stage`. */
export function meterD1(db: D1Database, stage: string): D1Database {
  return wrapOnce(db, stage, (real) => {
    const metered: Record<string, unknown> = {
      prepare: (query: string) => meterStatement(real.prepare(query), stage),
      async batch<T>(statements: D1PreparedStatement[]) {
        const results = await real.batch<T>(statements.map(unwrapStatement));
        for (const result of results) countD1(stage, result.meta);
        return results;
      },
      // exec reports no rows, only how many statements it ran (migrations, schema tools)
      async exec(query: string) {
        const result = await real.exec(query);
        stageUsage(stage).d1.statements += result.count;
        return result;
      },
      withSession: (constraint?: string) => meterD1(real.withSession(constraint) as unknown as D1Database, stage),
      dump: () => real.dump(),
    };
    return metered as unknown as D1Database;
  });
}

// --- DO SQLite -------------------------------------------------------------------------------------

interface OpenCursor {
  cursor: SqlStorageCursor<Record<string, SqlStorageValue>>;
  stage: string;
  read: number;
  written: number;
}

/**
 * Cursors whose counts may still grow (rows are read as they are consumed). Each fold adds what
 * grew since the last one; a cursor leaves the list at the next statement, so only rows read from
 * a cursor after another statement ran go uncounted (reads are $0.001 per million; writes happen
 * when a statement runs). Holding no cursor past that keeps production memory flat, and never
 * keeps a statement open that a later one (a DROP TABLE) would find locked.
 */
const openCursors: OpenCursor[] = [];

function foldCursors(all: boolean): void {
  for (const open of openCursors) {
    const u = stageUsage(open.stage).doSql;
    const { rowsRead, rowsWritten } = open.cursor;
    u.rowsRead += rowsRead - open.read;
    u.rowsWritten += rowsWritten - open.written;
    open.read = rowsRead;
    open.written = rowsWritten;
  }
  if (all) openCursors.length = 0;
}

/** `sql` counting every cursor's rows read and written under `stage`. */
export function meterSql(sql: SqlStorage, stage: string): SqlStorage {
  return wrapOnce(sql, stage, (real) =>
    new Proxy(real, {
      get(target, prop) {
        if (prop === 'exec') {
          return (query: string, ...bindings: unknown[]) => {
            foldCursors(true);
            const cursor = target.exec(query, ...bindings);
            stageUsage(stage).doSql.statements += 1;
            openCursors.push({ cursor, stage, read: 0, written: 0 });
            return cursor;
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
  );
}

/** A `setAlarm` of a SQLite-backed object: billed as one row written. */
export function meterAlarm(stage: string): void {
  const u = stageUsage(stage).doSql;
  u.alarmsSet += 1;
  u.rowsWritten += 1;
}

// --- R2 ------------------------------------------------------------------------------------------

function byteLength(value: unknown): number {
  if (typeof value === 'string') return new TextEncoder().encode(value).byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof Blob) return value.size;
  return 0; // a stream's length is not known up front; R2 objects are written from buffers here
}

/** `bucket` counting Class A (put, list, multipart) and Class B (get, head) operations. */
export function meterR2(bucket: R2Bucket, stage: string): R2Bucket {
  return wrapOnce(bucket, stage, (real) => {
    const r2 = () => stageUsage(stage).r2;
    const metered = {
      async put(key: string, value: unknown, options?: R2PutOptions) {
        r2().classA += 1;
        r2().bytesPut += byteLength(value);
        return real.put(key, value as Parameters<R2Bucket['put']>[1], options);
      },
      async get(key: string, options?: R2GetOptions) {
        r2().classB += 1;
        const object = await real.get(key, options);
        if (object) r2().bytesGot += object.size;
        return object;
      },
      async head(key: string) {
        r2().classB += 1;
        return real.head(key);
      },
      async list(options?: R2ListOptions) {
        r2().classA += 1;
        return real.list(options);
      },
      // deletes are free
      delete: (keys: string | string[]) => real.delete(keys),
      async createMultipartUpload(key: string, options?: R2MultipartOptions) {
        r2().classA += 1;
        return real.createMultipartUpload(key, options);
      },
      resumeMultipartUpload: (key: string, uploadId: string) => real.resumeMultipartUpload(key, uploadId),
    };
    return metered as unknown as R2Bucket;
  });
}

// --- Queues --------------------------------------------------------------------------------------

function countMessage(stage: string, body: unknown): void {
  const q = stageUsage(stage).queue;
  // measured as JSON, the content type the outbox sends (a string body gains its quotes)
  const bytes = byteLength(JSON.stringify(body) ?? '');
  q.messages += 1;
  q.bytes += bytes;
  q.ops += OPS_PER_MESSAGE * Math.max(1, Math.ceil(bytes / QUEUE_OP_BYTES));
}

/** `queue` counting messages, bytes and the operations they are billed as. */
export function meterQueue<T>(queue: Queue<T>, stage: string): Queue<T> {
  return wrapOnce(queue, stage, (real) => {
    const metered = {
      async send(body: T, options?: QueueSendOptions) {
        await real.send(body, options);
        stageUsage(stage).queue.sends += 1;
        countMessage(stage, body);
      },
      // counted after the Queue took them: a refused batch is not billed
      async sendBatch(messages: Iterable<MessageSendRequest<T>>, options?: QueueSendBatchOptions) {
        const list = [...messages];
        await real.sendBatch(list, options);
        stageUsage(stage).queue.sends += 1;
        for (const m of list) countMessage(stage, m.body);
      },
    };
    return metered as unknown as Queue<T>;
  });
}

// --- Durable Object namespaces -------------------------------------------------------------------

/** Every method called on a stub is one DO request (RPC or fetch). */
function meterStub<T extends object>(stub: T, stage: string, binding: string): T {
  return new Proxy(stub, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      // `then` is probed by `await`, not a request; symbols are the runtime's own
      if (typeof value !== 'function' || prop === 'then' || typeof prop === 'symbol') return value;
      return (...args: unknown[]) => {
        const requests = stageUsage(stage).doRequests;
        requests[binding] = (requests[binding] ?? 0) + 1;
        return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
      };
    },
  });
}

/** `namespace` whose stubs count each call as a request of `binding` under `stage`. */
export function meterNamespace<T extends DurableObjectNamespace>(namespace: T, stage: string, binding: string): T {
  return wrapOnce(namespace, stage, (real) =>
    new Proxy(real, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (prop === 'get' || prop === 'getByName') {
          return (...args: unknown[]) => meterStub(Reflect.apply(value as (...a: unknown[]) => object, target, args), stage, binding);
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
  );
}

// --- whole environments --------------------------------------------------------------------------

/**
 * Which bindings are what, by name: an RPC-capable binding (a service, a stub) answers every
 * property name, so asking a binding whether it has `prepare` cannot tell a D1 database apart.
 * `DB`, `DB_2`, `DB_3`… are the D1 databases (DESIGN §8b: the spread across databases).
 */
const D1_BINDING = /^DB(_\d+)?$/;
const R2_BINDINGS = new Set(['ARCHIVE']);
const QUEUE_BINDINGS = new Set(['EVENTS_QUEUE']);
const DO_BINDINGS = new Set(['SITE_DO', 'RATE_LIMITER']);

const meteredEnvs = new WeakMap<object, Map<string, object>>();

/** A copy of `env` whose D1, R2, Queue and Durable Object bindings count under `stage`. */
export function meterEnv<E extends object>(env: E, stage: string): E {
  let byStage = meteredEnvs.get(env);
  if (!byStage) meteredEnvs.set(env, (byStage = new Map()));
  const cached = byStage.get(stage) as E | undefined;
  if (cached) return cached;
  const metered: Record<string, unknown> = { ...(env as Record<string, unknown>) };
  for (const [name, value] of Object.entries(metered)) {
    if (value === null || typeof value !== 'object') continue;
    if (D1_BINDING.test(name)) metered[name] = meterD1(value as D1Database, stage);
    else if (R2_BINDINGS.has(name)) metered[name] = meterR2(value as R2Bucket, stage);
    else if (QUEUE_BINDINGS.has(name)) metered[name] = meterQueue(value as Queue<unknown>, stage);
    else if (DO_BINDINGS.has(name)) metered[name] = meterNamespace(value as DurableObjectNamespace, stage, name);
  }
  byStage.set(stage, metered);
  return metered as E;
}

/** The stage a Worker request is counted under, by its path. */
export function fetchStage(request: Request): string {
  const path = new URL(request.url).pathname;
  if (path === '/api/event') return 'collect';
  if (path.startsWith('/api/v2/') || /^\/api\/v1\/sites\/[^/]+\/(export\.csv|realtime|live)/.test(path)) return 'query';
  return 'api';
}
