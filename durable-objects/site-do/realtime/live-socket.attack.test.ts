import { runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite, siteStub } from '../../../test/helpers/fixtures';
import { connect, liveToken, postEvent, pushedPaths, waitFor, type Viewer } from '../../../test/helpers/realtime';
import { FLOOD_MESSAGES, SNAPSHOT_INTERVAL_MS } from './live-socket';

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

  it('answers one requested snapshot per interval per socket; the rest get one small notice or nothing', async () => {
    const site = 'live-snapshot-spam.attack';
    await createSite(site);
    const viewer = await connect(site, `?token=${await liveToken(site)}`);
    await waitFor(() => snapshots(viewer) === 1);
    for (let i = 0; i < 10; i++) viewer.ws.send('{"type":"snapshot"}');
    await waitFor(() => snapshots(viewer) === 2);
    const notices = await waitFor(() => {
      const found = viewer.messages.filter((m) => (m as { type: string }).type === 'error');
      return found.length ? found : undefined;
    });
    await pause(200);
    expect(snapshots(viewer)).toBe(2);
    expect(viewer.messages.filter((m) => (m as { type: string }).type === 'error')).toHaveLength(1);
    expect(notices[0]).toEqual({ type: 'error', code: 'snapshot_rate_limited', error: 'at most one snapshot per 5 seconds', retryAfterMs: expect.any(Number) });
    expect((notices[0] as unknown as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(SNAPSHOT_INTERVAL_MS);
    viewer.ws.close(1000, 'done');
  });

  it('closes a socket that floods with 1008', async () => {
    const site = 'live-socket-flood.attack';
    await createSite(site);
    const viewer = await connect(site, `?token=${await liveToken(site)}`);
    await waitFor(() => snapshots(viewer) === 1);
    let closed: { code: number; reason: string } | null = null;
    viewer.ws.addEventListener('close', (event) => (closed = { code: event.code, reason: event.reason }));
    for (let i = 0; i <= FLOOD_MESSAGES; i++) viewer.ws.send(`{"type":"hello","n":${i}}`);
    const close = await waitFor(() => closed);
    expect(close).toEqual({ code: 1008, reason: `more than ${FLOOD_MESSAGES} messages in 10 s` });
  });

  it('builds requested snapshots at most once a second per site, however many sockets ask', async () => {
    const site = 'live-snapshot-shared.attack';
    await createSite(site);
    const token = await liveToken(site);
    const [a, b] = [await connect(site, `?token=${token}`), await connect(site, `?token=${token}`)];
    await waitFor(() => snapshots(a) === 1 && snapshots(b) === 1);
    a.ws.send('{"type":"snapshot"}');
    await waitFor(() => snapshots(a) === 2);
    expect((await postEvent(site, '192.0.2.77', '/between')).status).toBe(202);
    await waitFor(() => pushedPaths(b).length === 1);
    b.ws.send('{"type":"snapshot"}');
    await waitFor(() => snapshots(b) === 2);
    // b's request came within the second: it got the snapshot already built for a, not a new read
    expect(b.messages.filter((m) => m.type === 'snapshot')[1]).toEqual(a.messages.filter((m) => m.type === 'snapshot')[1]);
    expect(b.messages.filter((m) => m.type === 'snapshot')[1]).toMatchObject({ pageviews: 0 });
    for (const viewer of [a, b]) viewer.ws.close(1000, 'done');
  });
});
