/**
 * Issue 13, "housekeeping fails open": one site whose retention step fails aborted the hourly run
 * for every later site, so their salts outlived 48 h; and `dead_letters` and `drop_counts` were
 * never pruned. Through the real scheduled handler, D1, R2 and SiteDOs.
 */
import { createExecutionContext, createScheduledController, env, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../index';
import { collected, createSite, siteStub } from '../../test/helpers/fixtures';
import { utcDate } from '../lib/timezone';
import { HOUSEKEEPING_CRON } from './run-scheduled';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25, 9, 17);
const BROKEN = 'housekeeping-broken.attack.example';

async function runHousekeeping(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: HOUSEKEEPING_CRON, scheduledTime }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const saltDays = (site: string) =>
  runInDurableObject(siteStub(site), (_, state) => state.storage.sql.exec<{ day: string }>('SELECT day FROM salts ORDER BY day').toArray().map((r) => r.day));

describe('housekeeping cron under failure', () => {
  it("a site whose retention step throws does not stop the later sites' salt rotation", async () => {
    // A retention so long that its cutoff is no date: the archive step throws (RangeError).
    await createSite(BROKEN);
    await env.DB.prepare('UPDATE sites SET retention_days = 1e12 WHERE id = ?').bind(BROKEN).run();
    const after = await createSite('housekeeping-after.attack.example');
    await siteStub(after.id).ingest(after, [collected(after.id, { ts: NOW - 3 * DAY })], [], NOW - 3 * DAY);
    expect(await saltDays(after.id)).toEqual([utcDate(NOW - 3 * DAY)]);

    try {
      await runHousekeeping(NOW).catch(() => undefined);
    } finally {
      // other tests run housekeeping in the same D1: leave no broken site behind
      await env.DB.prepare('DELETE FROM sites WHERE id = ?').bind(BROKEN).run();
    }

    // Only today's salt is left: the three-day-old one was destroyed despite the broken site before it.
    expect(await saltDays(after.id)).toEqual([utcDate(NOW)]);
  });

  it('prunes dead letters after 30 days, drop counts after 400 and finished erasures after 30, keeping newer rows', async () => {
    const site = 'housekeeping-prune.attack.example';
    const letter = env.DB.prepare("INSERT INTO dead_letters (id, queue, site_id, attempts, body, received_at) VALUES (?, 'pulse-events', ?, 5, '{}', ?)");
    const drop = env.DB.prepare("INSERT INTO drop_counts (day, site_id, reason, batch_id, count) VALUES (?, ?, 'bot', 'b', 1)");
    await env.DB.batch([
      letter.bind('dl-prune-old', site, NOW - 31 * DAY),
      letter.bind('dl-prune-new', site, NOW - 29 * DAY),
      drop.bind(utcDate(NOW - 401 * DAY), site),
      drop.bind(utcDate(NOW - 399 * DAY), site),
      env.DB.prepare(
        `INSERT INTO erasures (id, site_id, visitor_id, drop_before, status, created_at, updated_at, finished_at)
         VALUES ('er-prune-old', ?1, 1, ?2, 'done', ?2, ?2, ?2), ('er-prune-open', ?1, 2, ?2, 'running', ?2, ?2, NULL)`,
      ).bind(site, NOW - 31 * DAY),
    ]);

    await runHousekeeping(NOW);

    const letters = await env.DB.prepare('SELECT id FROM dead_letters WHERE site_id = ?').bind(site).all<{ id: string }>();
    expect(letters.results.map((r) => r.id)).toEqual(['dl-prune-new']);
    const days = await env.DB.prepare('SELECT day FROM drop_counts WHERE site_id = ?').bind(site).all<{ day: string }>();
    expect(days.results.map((r) => r.day)).toEqual([utcDate(NOW - 399 * DAY)]);
    // a finished erasure's tombstone goes after 30 days; an unfinished job stays
    const jobs = await env.DB.prepare('SELECT id FROM erasures WHERE site_id = ?').bind(site).all<{ id: string }>();
    expect(jobs.results.map((r) => r.id)).toEqual(['er-prune-open']);
  });
});
