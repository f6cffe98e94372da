/**
 * The MCP endpoint with the official SDK's own client (Client + StreamableHTTPClientTransport),
 * its requests going to the Worker in workerd through SELF.fetch.
 */
import { env, SELF } from 'cloudflare:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { call, makeKey, makeSite, ok } from '../../test/helpers/api';
import { Fixture } from '../../test/helpers/query-fixtures';
import { siteDb } from '../lib/site-db';

async function connect(token: string | null): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('https://pulse.test/mcp'), {
    fetch: (input, init) => SELF.fetch(input instanceof Request ? input : String(input), init),
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
  });
  const client = new Client({ name: 'pulse-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

const textOf = (result: unknown) => ((result as { content: { type: string; text: string }[] }).content)[0]!.text;

describe('MCP server', () => {
  it('lists the tools with descriptions and input schemas written for a model', async () => {
    const site = await makeSite();
    const key = await makeKey([site], 'stats:read');
    const client = await connect(key.token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['list_sites', 'query', 'realtime', 'insights', 'funnel', 'retention', 'journeys', 'vitals', 'errors']);
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(60);
      expect(tool.inputSchema.type).toBe('object');
    }
    expect(Object.keys(tools.find((t) => t.name === 'realtime')!.inputSchema.properties ?? {})).toEqual(['site']);
    await client.close();
  });

  it('query answers the Stats API rows for the key; list_sites shows its sites', async () => {
    const site = await makeSite();
    const f = new Fixture(site);
    f.visit({ visitor: 1, at: '2026-11-10T10:00:00Z' }, [{ path: '/' }, { path: '/pricing', after: 30 }]);
    f.visit({ visitor: 2, at: '2026-11-11T10:00:00Z' }, [{ path: '/' }]);
    await f.write(await siteDb(env, site));
    const key = await makeKey([site], 'stats:read');
    const client = await connect(key.token);
    const body = { site_id: site, metrics: ['visitors', 'pageviews'], date_range: ['2026-11-01', '2026-11-30'] };
    const result = await client.callTool({ name: 'query', arguments: { query: body } });
    expect(result.isError).toBe(false);
    const direct = await ok<{ results: unknown[] }>(call('/api/v2/query', { token: key.token, body }));
    expect(JSON.parse(textOf(result)).results).toEqual(direct.results);
    expect(direct.results).toEqual([{ metrics: [2, 3], dimensions: [] }]);
    const sites = JSON.parse(textOf(await client.callTool({ name: 'list_sites', arguments: {} })));
    expect(sites.sites.map((s: { id: string }) => s.id)).toEqual([site]);
    const realtime = await client.callTool({ name: 'realtime', arguments: { site } });
    expect(JSON.parse(textOf(realtime))).toMatchObject({ site, visitors: 0 });
    const insights = await client.callTool({ name: 'insights', arguments: { site, period: '7d' } });
    expect(JSON.parse(textOf(insights))).toHaveProperty('movers');
    await client.close();
  });

  it('funnel, journeys, retention, vitals and errors answer what their API routes answer', async () => {
    const site = await makeSite();
    const f = new Fixture(site);
    f.visit({ visitor: 1, at: '2026-11-10T10:00:00Z' }, [{ path: '/' }, { path: '/pricing', after: 30 }]);
    f.visit({ visitor: 2, at: '2026-11-11T10:00:00Z' }, [{ path: '/' }]);
    await f.write(await siteDb(env, site));
    const key = await makeKey([site], 'stats:read');
    const client = await connect(key.token);
    const steps = [['is', 'event:page', ['/']], ['is', 'event:page', ['/pricing']]];
    const funnel = await client.callTool({ name: 'funnel', arguments: { site, steps, date_range: ['2026-11-01', '2026-11-30'] } });
    expect(funnel.isError).toBe(false);
    const answer = JSON.parse(textOf(funnel)) as { steps: { visitors: number; conversion_rate: number; median_seconds: number | null }[] };
    // by hand: both visitors saw /, visitor 1 went on to /pricing 30 s later
    expect(answer.steps.map((s) => [s.visitors, s.conversion_rate, s.median_seconds])).toEqual([[2, 100, null], [1, 50, 30]]);
    const direct = await ok(call(`/api/v1/sites/${site}/funnels/query`, { token: key.token, body: { steps, date_range: ['2026-11-01', '2026-11-30'] } }));
    expect(answer).toEqual(direct);
    const range = { date: '2026-11-01,2026-11-30' };
    for (const [name, path] of [['journeys', 'journeys'], ['retention', 'retention'], ['vitals', 'vitals'], ['errors', 'errors']] as const) {
      const result = await client.callTool({ name, arguments: { site, ...range } });
      expect(result.isError, name).toBe(false);
      expect(JSON.parse(textOf(result)), name).toEqual(await ok(call(`/api/v1/sites/${site}/${path}?date=2026-11-01,2026-11-30`, { token: key.token })));
    }
    await client.close();
  });

  it('a key of another site is refused, and bad input is a tool error naming the problem', async () => {
    const site = await makeSite();
    const other = await makeKey([await makeSite()], 'stats:read');
    const client = await connect(other.token);
    const refused = await client.callTool({ name: 'query', arguments: { query: { site_id: site, metrics: ['visitors'], date_range: '7d' } } });
    expect(refused.isError).toBe(true);
    expect(JSON.parse(textOf(refused))).toMatchObject({ code: expect.any(String) });
    expect((await client.callTool({ name: 'realtime', arguments: { site } })).isError).toBe(true);
    const bad = await client.callTool({ name: 'query', arguments: { query: { site_id: site, metrics: ['nope'], date_range: '7d' } } });
    expect(bad.isError).toBe(true);
    await client.close();
  });

  it('refuses a request without a key with 401', async () => {
    const res = await SELF.fetch('https://pulse.test/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    await expect(connect(null)).rejects.toThrow();
  });
});
