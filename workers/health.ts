import type { Env } from './env';
import { databaseOf, dataBindings } from './lib/site-db';

type Check = { ok: boolean; error?: string };

async function check(fn: () => Promise<unknown>): Promise<Check> {
  try {
    await fn();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** `GET /api/health`: the Worker and each binding it needs, probed cheaply. */
export async function getHealth(env: Env): Promise<Response> {
  // every data database: a site placed in DB_3 is down when DB_3 is, however healthy DB is. The
  // primary must hold its schema; the others are asked only to answer (a deployment may leave one
  // empty and unmigrated until a site is placed there).
  const databases: Record<string, Check> = {};
  for (const binding of dataBindings(env)) {
    const probe = binding === 'DB' ? 'SELECT 1 FROM sites LIMIT 1' : 'SELECT 1';
    databases[binding] = await check(() => databaseOf(env, binding).prepare(probe).first());
  }
  const bindings = {
    ...databases,
    ARCHIVE: await check(() => env.ARCHIVE.head('health-probe')),
    SITE_DO: await check(async () => env.SITE_DO.idFromName('health-probe')),
    EVENTS_QUEUE: { ok: typeof env.EVENTS_QUEUE?.send === 'function' },
  };
  const ok = Object.values(bindings).every((b) => b.ok);
  return Response.json({ ok, env: env.PULSE_ENV, bindings }, { status: ok ? 200 : 503 });
}
