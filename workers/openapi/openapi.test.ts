import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite } from '../../test/helpers/fixtures';
import { router } from '../router';
import { buildOpenApiDocument } from './document';

type Doc = { openapi: string; paths: Record<string, Record<string, unknown>>; components: Record<string, Record<string, unknown>> };
const doc = buildOpenApiDocument() as unknown as Doc;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** itty-router 5 keeps `[METHOD, RegExp, handlers, path]` per route; `:name` becomes `{name}`. */
function mountedRoutes(): { method: string; path: string }[] {
  return (router.routes as unknown as [string, RegExp, unknown[], string][])
    .filter(([, , , path]) => path !== '*' && !path.endsWith('/*'))
    .map(([method, , , path]) => ({ method: method.toLowerCase(), path: path.replace(/:(\w+)\+?/g, '{$1}') }));
}

describe('OpenAPI document', () => {
  it('describes every route mounted on the router', () => {
    const routes = mountedRoutes();
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes.filter(({ method, path }) => {
      const item = doc.paths[path];
      if (!item) return true;
      return method === 'all' ? !METHODS.some((m) => m in item) : !(method in item);
    });
    expect(missing).toEqual([]);
  });

  it('describes the routes of DESIGN §3–4 that are served', () => {
    // The reports of DESIGN §4a join this list with their routes (vitals and errors are still to come).
    const expected = [
      'post /api/event', 'get /api/health', 'post /api/v2/query', 'get /api/v1/sites/{site}/realtime', 'get /api/v1/sites/{site}/live',
      'get /api/v1/sites/{site}/export.csv', 'get /js/pulse.js', 'get /api/openapi.json', 'get /.well-known/jwks.json',
      'delete /api/v1/sites/{site}/visitors/{uid}', 'get /api/v1/stats/aggregate', 'get /api/v1/stats/timeseries', 'get /api/v1/stats/breakdown',
      'get /api/v1/stats/realtime/visitors',
      'get /api/v1/sites/{site}/funnels/{id}', 'post /api/v1/sites/{site}/funnels/query', 'get /api/v1/sites/{site}/retention',
      'get /api/v1/sites/{site}/journeys',
    ];
    for (const entry of expected) {
      const [method, path] = entry.split(' ') as [string, string];
      expect(doc.paths[path], entry).toHaveProperty(method);
    }
  });

  it('lists only what the Worker serves: every path and method answers something other than the router\'s 404', async () => {
    const site = 'openapi-walk.example';
    await createSite(site);
    const isNoRoute = async (res: Response) => {
      if (res.status !== 404) return (await res.arrayBuffer(), false);
      const body = await res.json<{ error?: string; code?: string }>().catch(() => ({}) as { error?: string; code?: string });
      return body.code === 'not_found' && body.error === 'no such route';
    };
    // The check can fail: a path nobody serves is told apart from a handler's own 404 (no such site, goal, …).
    expect(await isNoRoute(await SELF.fetch(`https://pulse.test/api/v1/sites/${site}/no-such-report`))).toBe(true);
    expect(await isNoRoute(await SELF.fetch('https://pulse.test/api/v1/sites/no-such-site.example/realtime', { headers: { authorization: `Bearer ${env.PULSE_ADMIN_TOKEN}` } }))).toBe(false);

    // Path parameters: a real test site; ids that need not exist, since a handler's answer is enough.
    const values: Record<string, string> = { site, id: 'no-such-id', user: 'no-such-user', uid: 'no-such-uid' };
    const unserved: string[] = [];
    let operations = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS.filter((m) => m in item)) {
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? `unknown-param-${name}`));
        const hasBody = method === 'post' || method === 'patch' || method === 'put';
        // No credential: a served route answers 400, 401, 426 or 200 without changing anything.
        const res = await SELF.fetch(`https://pulse.test${url}`, {
          method: method.toUpperCase(),
          headers: hasBody ? { 'content-type': 'application/json' } : {},
          body: hasBody ? '{}' : undefined,
        });
        operations++;
        if (await isNoRoute(res)) unserved.push(`${method} ${path}`);
      }
    }
    expect(operations).toBeGreaterThan(30);
    expect(unserved).toEqual([]);
  });

  it('declares every path parameter and resolves every $ref', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const method of METHODS.filter((m) => m in item)) {
        const params = [...((item.parameters as { name: string }[]) ?? []), ...(((item[method] as { parameters?: { name: string }[] }).parameters) ?? [])];
        for (const name of names) expect(params.map((p) => p.name), `${method} ${path}`).toContain(name);
        expect(Object.keys((item[method] as { responses: object }).responses).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(50);
    for (const [, section, name] of refs) expect(doc.components[section!], `${section}/${name}`).toHaveProperty(name!);
  });

  it('is served at /api/openapi.json as OpenAPI 3.1 with this server', async () => {
    const res = await SELF.fetch('https://pulse.test/api/openapi.json');
    expect(res.status).toBe(200);
    const served = await res.json<Doc & { servers: { url: string }[] }>();
    expect(served.openapi).toBe('3.1.0');
    expect(served.servers).toEqual([{ url: 'https://pulse.test' }]);
  });
});
