/**
 * Fault: the SiteDO dies in the middle of a flush (issue 13, fault suite). Events go through the
 * real collector; the alarm sends through the real Queue to the real consumer. The Queue wrapper
 * kills the object (or fails the call) before or after the Queue took the batch, while the site
 * keeps receiving events; then the alarm runs again. Every accepted event must reach D1 and the
 * archive exactly once.
 */
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { QueueMessageBody } from '../../contract/events';
import { call } from '../helpers/api';
import { outboxStatus, siteStub } from '../helpers/fixtures';
import { expectDeliveredOnce, expectSessionsCurrent, injectQueue, pageview, paths, restoreQueue, siteWithKey } from '../helpers/faults';

type Batch = MessageSendRequest<QueueMessageBody>[];

/** The alarm, which may die with the object; the runtime's own error is what a kill looks like. */
async function alarmDies(name: string): Promise<void> {
  await runDurableObjectAlarm(siteStub(name)).then(
    () => undefined,
    () => undefined,
  );
}

describe('fault: the SiteDO is killed mid-flush', () => {
  it('after the Queue took the batch: the next alarm resends it and nothing is doubled, with new events since', async () => {
    const s = await siteWithKey('fault-kill-after');
    await s.send(paths('a', 5));
    await injectQueue(s.site, (state) => ({
      async sendBatch(list: Batch) {
        await env.EVENTS_QUEUE.sendBatch(list);
        state.abort('killed after the Queue took the batch');
      },
    }));
    await alarmDies(s.site);
    // the site goes on receiving events before the alarm runs again (on a fresh instance)
    await s.send(paths('a', 2, 6));
    expect(await runDurableObjectAlarm(siteStub(s.site))).toBe(true);
    await expectDeliveredOnce(s.site, paths('a', 7));
    await expectSessionsCurrent(s.site);
  });

  it('before the Queue took the batch: nothing is lost', async () => {
    const s = await siteWithKey('fault-kill-before');
    await s.send(paths('b', 4));
    await injectQueue(s.site, (state) => ({
      async sendBatch() {
        state.abort('killed before the Queue took the batch');
      },
    }));
    await alarmDies(s.site);
    await s.send(paths('b', 1, 5));
    expect(await runDurableObjectAlarm(siteStub(s.site))).toBe(true);
    await expectDeliveredOnce(s.site, paths('b', 5));
    await expectSessionsCurrent(s.site);
  });

  it('the send throws after the Queue took it (object alive): the retry alarm resends, nothing doubled', async () => {
    const s = await siteWithKey('fault-kill-throw');
    await s.send(paths('c', 3));
    await injectQueue(s.site, () => ({
      async sendBatch(list: Batch) {
        await env.EVENTS_QUEUE.sendBatch(list);
        throw new Error('network connection lost');
      },
    }));
    await runDurableObjectAlarm(siteStub(s.site)); // the alarm catches it and retries in 10 s
    await restoreQueue(s.site);
    await s.send(paths('c', 2, 4));
    expect(await runDurableObjectAlarm(siteStub(s.site))).toBe(true);
    await expectDeliveredOnce(s.site, paths('c', 5));
    await expectSessionsCurrent(s.site);
    expect(await outboxStatus(s.site)).toEqual({ pending: 0, deadLettered: 0 });
  });

  it('after the Queue took the batch: drop counts sent with it are not counted twice', async () => {
    const s = await siteWithKey('fault-kill-drops');
    const bot = (path: string) => ({ ...pageview(s.site, path), ua: 'Googlebot/2.1 (+http://www.google.com/bot.html)' });
    const sendWithBots = async (good: string[], bots: number) => {
      const res = await call('/api/event', { token: s.token, body: [...good.map((p) => pageview(s.site, p)), ...Array.from({ length: bots }, (_, i) => bot(`/bot${i}`))] });
      expect(res.status).toBe(202);
      expect(res.headers.get('x-pulse-dropped')).toBe(String(bots));
    };
    await sendWithBots(['/d1', '/d2'], 2);
    await injectQueue(s.site, (state) => ({
      async sendBatch(list: Batch) {
        await env.EVENTS_QUEUE.sendBatch(list);
        state.abort('killed after the Queue took the batch');
      },
    }));
    await alarmDies(s.site);
    await sendWithBots(['/d3'], 1);
    expect(await runDurableObjectAlarm(siteStub(s.site))).toBe(true);
    await expectDeliveredOnce(s.site, ['/d1', '/d2', '/d3']);
    const bots = () => env.DB.prepare("SELECT coalesce(sum(count), 0) AS n FROM drop_counts WHERE site_id = ? AND reason = 'bot'").bind(s.site).first<number>('n');
    await expect.poll(bots, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 300)); // room for a second count to land
    expect(await bots()).toBe(3);
  });
});
