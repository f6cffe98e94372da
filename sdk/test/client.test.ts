// The typed API client against a local HTTP server that records what it receives.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createClient, PulseApiError } from '../client/index';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  contentType: string | undefined;
  body: string;
}

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];
let reply: { status: number; type: string; body: string } = { status: 200, type: 'application/json', body: '{}' };

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, contentType: req.headers['content-type'], body });
    res.writeHead(reply.status, { 'content-type': reply.type });
    res.end(reply.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen.length = 0;
  reply = { status: 200, type: 'application/json', body: '{}' };
});

describe('createClient', () => {
  test('query() posts the Stats API v2 body with the key as a Bearer token and returns the response', async () => {
    const response = { results: [{ metrics: [42], dimensions: ['Google'] }], meta: {}, query: { site_id: 'example.com' } };
    reply = { status: 200, type: 'application/json', body: JSON.stringify(response) };
    const client = createClient({ baseUrl, key: 'jwt-key' });
    const body = { site_id: 'example.com', metrics: ['visitors' as const], date_range: '7d' as const, dimensions: ['visit:source' as const] };
    expect(await client.query(body)).toEqual(response);
    expect(seen).toEqual([{ method: 'POST', url: '/api/v2/query', auth: 'Bearer jwt-key', contentType: 'application/json', body: JSON.stringify(body) }]);
  });

  test('read helpers hit the /api/v1/sites routes with encoded ids and query strings', async () => {
    reply = { status: 200, type: 'application/json', body: '{"visitors":3}' };
    const client = createClient({ baseUrl, key: 'k' });
    expect(await client.realtime('example.com')).toEqual({ visitors: 3 });
    await client.realtime('a/b');
    await client.exportCsv('example.com', { period: 'day', date: '2026-11-24', unused: undefined });
    expect(seen.map((s) => `${s.method} ${s.url} ${s.auth}`)).toEqual([
      'GET /api/v1/sites/example.com/realtime Bearer k',
      'GET /api/v1/sites/a%2Fb/realtime Bearer k',
      'GET /api/v1/sites/example.com/export.csv?period=day&date=2026-11-24 Bearer k',
    ]);
  });

  test('segment methods send the segments routes their bodies and return what the server answers', async () => {
    const saved = { id: 42, name: 'From Google', scope: 'personal', filters: [['is', 'visit:source', ['Google']]], owned_by_you: true, created_at: 't', updated_at: 't' };
    const client = createClient({ baseUrl, key: 'k' });
    reply = { status: 200, type: 'application/json', body: JSON.stringify({ segments: [saved] }) };
    expect(await client.segments('example.com')).toEqual([saved]);
    reply = { status: 201, type: 'application/json', body: JSON.stringify(saved) };
    expect(await client.createSegment('example.com', { name: 'From Google', filters: [['is', 'visit:source', ['Google']]] })).toEqual(saved);
    reply = { status: 200, type: 'application/json', body: JSON.stringify({ ...saved, name: 'G' }) };
    expect((await client.updateSegment('example.com', 42, { name: 'G' })).name).toBe('G');
    reply = { status: 204, type: 'application/json', body: '' };
    expect(await client.deleteSegment('example.com', 42)).toBeUndefined();
    expect(seen.map((s) => `${s.method} ${s.url} ${s.body}`)).toEqual([
      'GET /api/v1/sites/example.com/segments ',
      'POST /api/v1/sites/example.com/segments {"name":"From Google","filters":[["is","visit:source",["Google"]]]}',
      'PATCH /api/v1/sites/example.com/segments/42 {"name":"G"}',
      'DELETE /api/v1/sites/example.com/segments/42 ',
    ]);
  });

  test('vitals(), errors() and errorGroup() hit the report routes with their parameters', async () => {
    const client = createClient({ baseUrl, key: 'k' });
    await client.vitals('example.com', { period: '30d', dimension: 'event:page', include: 'timeseries' });
    await client.errors('example.com', { date: '2026-11-01,2026-11-30', limit: 5 });
    await client.errorGroup('example.com', '0123456789abcdef', { period: '7d' });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /api/v1/sites/example.com/vitals?period=30d&dimension=event%3Apage&include=timeseries',
      'GET /api/v1/sites/example.com/errors?date=2026-11-01%2C2026-11-30&limit=5',
      'GET /api/v1/sites/example.com/errors/0123456789abcdef?period=7d',
    ]);
  });

  test('exportCsv() returns the CSV text', async () => {
    reply = { status: 200, type: 'text/csv', body: 'date,visitors\n2026-11-23,5\n' };
    expect(await createClient({ baseUrl, key: 'k' }).exportCsv('example.com', { period: '7d' })).toBe('date,visitors\n2026-11-23,5\n');
    expect(seen[0].url).toBe('/api/v1/sites/example.com/export.csv?period=7d');
  });

  test('an error response throws PulseApiError with the status and the server message', async () => {
    reply = { status: 400, type: 'application/json', body: '{"error":"Invalid metric \\"visitorz\\""}' };
    const err = await createClient({ baseUrl, key: 'k' }).query({ site_id: 's', metrics: ['visitors'], date_range: 'day' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PulseApiError);
    expect(err).toMatchObject({ status: 400, message: 'Invalid metric "visitorz"', name: 'PulseApiError' });

    reply = { status: 429, type: 'text/plain', body: 'slow down' };
    await expect(createClient({ baseUrl, key: 'k' }).realtime('s')).rejects.toMatchObject({ status: 429, message: 'slow down' });
  });

  test('a network failure throws PulseApiError with status 0', async () => {
    const client = createClient({ baseUrl: 'http://127.0.0.1:9', key: 'k' });
    await expect(client.realtime('s')).rejects.toMatchObject({ name: 'PulseApiError', status: 0 });
  });

  test('a custom fetch (e.g. a service binding) is used instead of the global one', async () => {
    const calls: string[] = [];
    const client = createClient({
      baseUrl: 'https://pulse.internal',
      key: 'k',
      fetch: async (input) => {
        calls.push(String(input));
        return new Response('{"visitors":1}', { headers: { 'content-type': 'application/json' } });
      },
    });
    expect(await client.realtime('s')).toEqual({ visitors: 1 });
    expect(calls).toEqual(['https://pulse.internal/api/v1/sites/s/realtime']);
  });
});
