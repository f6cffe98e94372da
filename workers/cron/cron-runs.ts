/**
 * The last run of each cron task, for `GET /api/v1/status` (DESIGN §4b): when it started, how
 * long it took and whether it failed. One upserted row per task and run; the task's own error
 * is rethrown after it is recorded, so the cron's failure handling is unchanged.
 */
/** `problem`: for a task that reports failures instead of throwing (housekeeping), what failed. */
export async function recordCronRun<T>(db: D1Database, name: string, run: () => Promise<T>, problem: (result: T) => string | null = () => null): Promise<T> {
  const started = Date.now();
  const save = (ok: boolean, error: string | null) =>
    db.prepare(
      `INSERT INTO cron_runs (name, last_run, duration_ms, ok, error) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run, duration_ms = excluded.duration_ms, ok = excluded.ok, error = excluded.error`,
    ).bind(name, started, Date.now() - started, ok ? 1 : 0, error?.slice(0, 500) ?? null).run();
  let result: T;
  try {
    result = await run();
  } catch (err) {
    await save(false, err instanceof Error ? err.message : String(err));
    throw err;
  }
  const failed = problem(result);
  await save(failed === null, failed);
  return result;
}

export interface CronRun {
  name: string;
  last_run: string;
  duration_ms: number;
  ok: boolean;
  error: string | null;
}

export async function listCronRuns(db: D1Database): Promise<CronRun[]> {
  const { results } = await db.prepare('SELECT * FROM cron_runs ORDER BY name').all<{ name: string; last_run: number; duration_ms: number; ok: number; error: string | null }>();
  return results.map((r) => ({ name: r.name, last_run: new Date(r.last_run).toISOString(), duration_ms: r.duration_ms, ok: r.ok === 1, error: r.error }));
}
