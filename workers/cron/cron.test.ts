import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../index';
import { collected, createSite, siteStub } from '../../test/helpers/fixtures';
import { writeMessage } from '../consumer/handle-queue';
import type { StoredEvent } from '../../contract/events';
import { HOUSEKEEPING_CRON } from './run-scheduled';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 24, 3, 17);

function stored(site: string, id: string, ts: number): StoredEvent {
  const { ip: _i, ua: _u, uid: _d, ...rest } = collected(site, { ts });
  return { ...rest, id, visitorId: 1, sessionId: `s-${id}`, identified: false };
}

async function runHousekeeping(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: HOUSEKEEPING_CRON, scheduledTime }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe('housekeeping cron', () => {
  it('deletes raw events, sessions and archive days older than the retention, keeps the rest', async () => {
    await createSite('retention.example', { retentionDays: 30 });
    await createSite('keep.example', { retentionDays: 400 });
    const old = NOW - 31 * DAY; // 2026-10-24
    const recent = NOW - 29 * DAY; // 2026-10-26
    for (const site of ['retention.example', 'keep.example']) {
      await writeMessage(env, { site, batchId: `${site}-old`, events: [stored(site, `${site}-old`, old)], sessions: [], drops: [] }, old);
      await writeMessage(env, { site, batchId: `${site}-new`, events: [stored(site, `${site}-new`, recent)], sessions: [], drops: [] }, recent);
    }
    await env.DB.prepare(
      `INSERT INTO sessions (id, site_id, visitor_id, version, start, "end", duration, pageviews, events, interactive_events, is_bounce, hostname, source, channel, device, browser, browser_version, os, os_version, inserted_at)
       VALUES ('s-ret-old', 'retention.example', 1, 1, ?1, ?1, 0, 1, 1, 0, 1, 'retention.example', 'Direct / None', 'Direct', 'Desktop', 'Chrome', '1', 'Mac', '1', ?1)`,
    ).bind(old).run();

    await runHousekeeping(NOW);

    const ids = await env.DB.prepare("SELECT id FROM events WHERE site_id IN ('retention.example', 'keep.example') ORDER BY id").all<{ id: string }>();
    expect(ids.results.map((r) => r.id)).toEqual(['keep.example-new', 'keep.example-old', 'retention.example-new']);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE id = 's-ret-old'").first('n')).toBe(0);
    const keys = (await env.ARCHIVE.list({ prefix: 'raw/v1/site=retention.example/' })).objects.map((o) => o.key);
    expect(keys).toEqual([expect.stringMatching(/^raw\/v1\/site=retention\.example\/dt=2026-10-26\/[0-9a-f]{16}\.parquet$/)]);
    expect((await env.ARCHIVE.list({ prefix: 'raw/v1/site=keep.example/' })).objects).toHaveLength(2);
  });

  it('destroys salts older than 48 hours in every SiteDO', async () => {
    const site = await createSite('salts.example');
    await siteStub(site.id).ingest(site, [collected(site.id, { ts: NOW - 3 * DAY }), collected(site.id, { ts: NOW })], [], NOW - 3 * DAY);
    await runHousekeeping(NOW);
    // The salt of three days ago is gone: the same visitor that day now gets a different id.
    const again = await siteStub(site.id).ingest(site, [collected(site.id, { ts: NOW - 3 * DAY + 1000 })], [], NOW);
    expect(again.accepted).toBe(1);
    // the whole log, sent or not: an alarm may have flushed the first two by now
    // Read back where the events end up (D1, through the real Queue): the SiteDO's own log may be
    // flushed and its generation dropped by now, since these events are days old.
    const rows = async () => (await env.DB.prepare('SELECT ts, visitor_id FROM events WHERE site_id = ? ORDER BY ts').bind(site.id).all<{ ts: number; visitor_id: number }>()).results;
    const deadline = Date.now() + 20_000;
    while ((await rows()).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const [first, sameDayAfterRotation] = await rows();
    expect(await rows()).toHaveLength(3);
    expect(sameDayAfterRotation!.ts).toBe(NOW - 3 * DAY + 1000);
    expect(sameDayAfterRotation!.visitor_id).not.toBe(first!.visitor_id);
  });
});
