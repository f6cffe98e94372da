import { expect, it } from 'vitest';
import { collected, createSite, MINUTE, siteStub } from '../../test/helpers/fixtures';
import { MAX_ERRORS_PER_SESSION } from './error-cap';

const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);

it('caps error events per session, counting the rest as error_cap drops; other sessions and events are not capped', async () => {
  const site = await createSite('error-cap.test');
  const stub = siteStub(site.id);
  const errors = (ua: string, n: number, from = 1) =>
    Array.from({ length: n }, (_, i) => collected(site.id, { ts: T0 + (from + i) * 1000, name: 'error', interactive: false, ua, props: { message: `boom ${i}` } }));
  const burst = await stub.ingest(site, [collected(site.id, { ts: T0, ua: 'burst-ua' }), ...errors('burst-ua', MAX_ERRORS_PER_SESSION + 5)], [], T0);
  expect(burst.accepted).toBe(1 + MAX_ERRORS_PER_SESSION);
  expect(burst.dropped).toEqual({ error_cap: 5 });
  expect(burst.outcomes.slice(-6)).toEqual([null, 'error_cap', 'error_cap', 'error_cap', 'error_cap', 'error_cap']);

  // the same session stays capped in a later call; its pageviews still count
  const later = await stub.ingest(site, [collected(site.id, { ts: T0 + MINUTE, ua: 'burst-ua', pathname: '/next' }), ...errors('burst-ua', 1, 61)], [], T0 + MINUTE);
  expect(later.outcomes).toEqual([null, 'error_cap']);

  // another visitor's session has its own allowance
  const other = await stub.ingest(site, [collected(site.id, { ts: T0, ua: 'other-ua' }), ...errors('other-ua', 3)], [], T0);
  expect(other).toMatchObject({ accepted: 4, dropped: {} });
});
