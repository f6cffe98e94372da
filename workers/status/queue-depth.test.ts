/**
 * The Queues' depth from Cloudflare's GraphQL Analytics API, in workerd. Cloudflare's API is
 * unreachable from this machine and from CI, so a local HTTP server (test/helpers/
 * cloudflare-api-server.mjs) answers in the shapes Cloudflare documents — the queue list, the
 * `queueBacklogAdaptiveGroups` answer, GraphQL's 200-with-errors, an auth refusal, a 500 page and
 * a hang — and each account id picks one of them.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../index';
import { adminToken, makeSite, ORIGIN } from '../../test/helpers/api';
import { NOT_CONFIGURED, readQueueDepths } from './queue-depth';

const QUEUES = ['pulse-events', 'pulse-events-dlq', 'pulse-webhooks', 'pulse-webhooks-dlq'];
const cf = (account: string, token = 'test-cf-token') => ({ CF_ACCOUNT_ID: account, CF_API_TOKEN: token, CF_API_BASE_URL: env.TEST_CF_API });
const calls = async (account: string) => (await (await fetch(`${env.TEST_CF_API.replace(/\/client\/v4$/, '')}/calls/${account}`)).json<{ calls: number }>()).calls;

type QueueStatus = { backlog: number | null; backlog_bytes: number | null; dlq_backlog: number | null; dlq: number; measured_at: string | null; reason: string | null };

/** `GET /api/v1/status` through the Worker with these vars on top of the test env. */
async function statusWith(vars: Record<string, string>): Promise<{ status: number; queues: Record<string, QueueStatus> }> {
  const site = await makeSite();
  const res = await worker.fetch(new Request(`${ORIGIN}/api/v1/status?site=${site}`, { headers: { authorization: `Bearer ${adminToken()}` } }), { ...env, ...vars }, { waitUntil: () => {}, passThroughOnException: () => {} } as unknown as ExecutionContext);
  return { status: res.status, queues: res.ok ? ((await res.json()) as { queues: Record<string, QueueStatus> }).queues : {} };
}

describe('Queue depth from the GraphQL Analytics API', () => {
  it('is null with what to set when CF_ACCOUNT_ID or CF_API_TOKEN is missing, asking nobody', async () => {
    expect(await readQueueDepths({}, QUEUES)).toEqual(Object.fromEntries(QUEUES.map((q) => [q, { backlog: null, backlog_bytes: null, measured_at: null, reason: NOT_CONFIGURED }])));
    expect(NOT_CONFIGURED).toBe('set CF_ACCOUNT_ID and CF_API_TOKEN');
    expect((await readQueueDepths({ CF_ACCOUNT_ID: 'acct-ok', CF_API_BASE_URL: env.TEST_CF_API }, QUEUES))['pulse-events']!.reason).toBe(NOT_CONFIGURED);
    const { status, queues } = await statusWith({});
    expect(status).toBe(200);
    expect(queues.events).toMatchObject({ backlog: null, dlq_backlog: null, dlq: expect.any(Number), reason: NOT_CONFIGURED });
  });

  it('reads each queue\'s newest backlog sample through the status, and asks Cloudflare at most once a minute', async () => {
    const account = 'acct-ok';
    const before = await calls(account);
    const { status, queues } = await statusWith(cf(account));
    expect(status).toBe(200);
    // the server's numbers: 12 messages / 4096 bytes waiting in pulse-events, 0 elsewhere
    expect(queues.events).toMatchObject({ backlog: 12, backlog_bytes: 4096, dlq_backlog: 0, dlq: expect.any(Number), reason: null });
    expect(queues.webhooks).toMatchObject({ backlog: 0, backlog_bytes: 0, dlq_backlog: 0, reason: null });
    expect(Date.parse(queues.events!.measured_at!)).toBeLessThanOrEqual(Date.now());
    // the queue list and one GraphQL query, then the cached answer
    expect(await calls(account)).toBe(before + 2);
    await statusWith(cf(account));
    expect(await calls(account)).toBe(before + 2);
    // a minute later it asks again
    const later = await readQueueDepths(cf(account), ['pulse-events', 'pulse-events-dlq', 'pulse-webhooks', 'pulse-webhooks-dlq'], Date.now() + 61_000);
    expect(later['pulse-events']!.backlog).toBe(12);
    expect(await calls(account)).toBe(before + 4);
  });

  it('turns every error answer into a null depth with the reason, never a 5xx of the status', async () => {
    const cases: [Record<string, string>, string][] = [
      [cf('acct-refused', 'wrong-token'), 'the Cloudflare API answered HTTP 403: Authentication error'],
      [cf('acct-graphql-err'), 'the Cloudflare API refused the query: does not have access to the path'],
      [cf('acct-500'), 'the Cloudflare API answered HTTP 500'],
      [cf('acct-no-queues'), 'no queue named pulse-events in account acct-no-queues'],
      [{ ...cf('acct-ok'), CF_API_BASE_URL: 'http://127.0.0.1:9/client/v4' }, 'the Cloudflare API is unreachable'],
    ];
    for (const [vars, reason] of cases) {
      const { status, queues } = await statusWith(vars);
      expect(status, reason).toBe(200);
      expect(queues.events, reason).toMatchObject({ backlog: null, backlog_bytes: null, dlq_backlog: null, measured_at: null });
      expect(queues.events!.reason, reason).toContain(reason);
    }
  });

  it('gives up on a hanging API after its 3 s budget', async () => {
    const started = Date.now();
    const depths = await readQueueDepths(cf('acct-slow'), QUEUES);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(depths['pulse-events']).toEqual({ backlog: null, backlog_bytes: null, measured_at: null, reason: 'the Cloudflare API gave no answer within 3 s' });
  });
});
