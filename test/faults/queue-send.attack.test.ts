/**
 * Fault: the Queue refuses the SiteDO's sends (down, overloaded), through the alarm and through
 * the outbox's sender directly (as outbox.attack.test.ts injects a refusing Queue), while the site
 * keeps receiving events; then the Queue comes back. Nothing accepted may be lost or doubled.
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { outboxStatus, siteStub } from '../helpers/fixtures';
import { outboxOf } from '../helpers/site-do-state';
import { expectDeliveredOnce, expectSessionsCurrent, injectQueue, paths, restoreQueue, siteWithKey } from '../helpers/faults';
import { sendOutbox } from '../../durable-objects/site-do/outbox-send';
import type { SiteDO } from '../../durable-objects/site-do';

const down = () => {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    async sendBatch(): Promise<void> {
      calls += 1;
      throw new Error('Queue sendBatch failed: Queue is overloaded. Please back off.');
    },
  };
};

describe('fault: the Queue send fails', () => {
  it('through the alarm: the outbox keeps everything, retries later, and delivers each event once', async () => {
    const s = await siteWithKey('fault-queue-alarm');
    await s.send(paths('q', 4));
    const queue = down();
    await injectQueue(s.site, () => queue);
    for (let i = 0; i < 3; i++) {
      await runDurableObjectAlarm(siteStub(s.site)); // fails; the alarm sets itself again (10 s)
      await s.send(paths('q', 1, 5 + i));
    }
    expect(queue.calls).toBeGreaterThan(2);
    expect((await outboxStatus(s.site)).pending).toBeGreaterThan(7); // 7 events and their sessions
    await restoreQueue(s.site);
    expect(await runDurableObjectAlarm(siteStub(s.site))).toBe(true);
    await expectDeliveredOnce(s.site, paths('q', 7));
    await expectSessionsCurrent(s.site);
    expect(await outboxStatus(s.site)).toEqual({ pending: 0, deadLettered: 0 });
  });

  it('through the outbox sender: repeated refusals dead-letter nothing, and the real Queue then takes all', async () => {
    const s = await siteWithKey('fault-queue-direct');
    await s.send(paths('r', 3));
    for (let i = 0; i < 3; i++) {
      const queue = down();
      await expect(runInDurableObject(siteStub(s.site), (instance: SiteDO) => sendOutbox(outboxOf(instance), queue, s.site, s.site))).rejects.toThrow(/overloaded/);
      await s.send(paths('r', 2, 4 + 2 * i));
    }
    expect((await outboxStatus(s.site)).deadLettered).toBe(0);
    expect(await runDurableObjectAlarm(siteStub(s.site))).toBe(true);
    await expectDeliveredOnce(s.site, paths('r', 9));
    await expectSessionsCurrent(s.site);
  });
});
