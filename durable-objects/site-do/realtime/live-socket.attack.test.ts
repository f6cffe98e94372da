import { runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite, siteStub } from '../../../test/helpers/fixtures';
import { connect, liveToken, postEvent, pushedPaths, waitFor, type Viewer } from '../../../test/helpers/realtime';

const snapshots = (viewer: Viewer) => viewer.messages.filter((m) => m.type === 'snapshot').length;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live sockets: what a viewer costs the SiteDO (issue 13)', () => {
  it('sends full snapshots only every RESYNC_MS, not on each outbox flush; events still go out at once', async () => {
    const site = 'live-resync-flood.attack';
    await createSite(site);
    const viewer = await connect(site, `?token=${await liveToken(site)}`);
    await waitFor(() => snapshots(viewer) === 1);
    for (let i = 1; i <= 3; i++) {
      expect((await postEvent(site, `192.0.2.${60 + i}`, `/flush-${i}`)).status).toBe(202);
      await waitFor(() => pushedPaths(viewer).length === i);
      // the outbox's flush alarm, set a second after the event
      expect(await runDurableObjectAlarm(siteStub(site))).toBe(true);
    }
    await pause(100);
    expect(snapshots(viewer)).toBe(1);
    expect(pushedPaths(viewer)).toEqual(['/flush-1', '/flush-2', '/flush-3']);
    // The alarm left now is the resync: run early, it still re-sends the whole snapshot, once.
    expect(await runDurableObjectAlarm(siteStub(site))).toBe(true);
    await waitFor(() => snapshots(viewer) === 2);
    viewer.ws.close(1000, 'done');
  });
});
