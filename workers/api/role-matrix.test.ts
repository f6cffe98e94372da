/**
 * Role matrix: every management route against every kind of caller. Callers run from least to
 * most privileged, so a destructive route (delete site) succeeds only for the last allowed caller.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, makeUser, makeUserSession, ok } from '../../test/helpers/api';

type Need = 'viewer' | 'admin' | 'owner' | 'key-manager';
type Actor = 'anonymous' | 'share' | 'otherOwner' | 'otherKey' | 'viewer' | 'readKey' | 'admin' | 'adminKey' | 'owner';
const ACTORS: Actor[] = ['anonymous', 'share', 'otherOwner', 'otherKey', 'viewer', 'readKey', 'admin', 'adminKey', 'owner'];

interface Route {
  method: string;
  path: string; // with {site}
  need: Need;
  status: number;
  /** per call: makes the object the call acts on; returns path replacements and body */
  prepare?: (site: string) => Promise<{ vars?: Record<string, string>; body?: unknown }>;
  body?: (site: string) => unknown;
}

const as = (token: string) => ({ token });
let counter = 0;
const goal = async (site: string) => ok<{ id: string }>(call(`/api/v1/sites/${site}/goals`, { token: adminToken(), body: { event_name: `g${counter++}` } }), 201);

const ROUTES: Route[] = [
  { method: 'GET', path: '/api/v1/sites/{site}', need: 'viewer', status: 200 },
  { method: 'PATCH', path: '/api/v1/sites/{site}', need: 'admin', status: 200, body: () => ({ retention_days: 100 }) },
  { method: 'GET', path: '/api/v1/sites/{site}/members', need: 'admin', status: 200 },
  {
    method: 'POST', path: '/api/v1/sites/{site}/members', need: 'admin', status: 200,
    prepare: async () => {
      const other = await makeSite();
      const user = await makeUser(other, 'viewer');
      return { body: { email: user.email, role: 'viewer' } };
    },
  },
  {
    method: 'PATCH', path: '/api/v1/sites/{site}/members/{user}', need: 'admin', status: 200, body: () => ({ role: 'admin' }),
    prepare: async (site) => ({ vars: { user: (await makeUser(site, 'viewer')).id } }),
  },
  {
    method: 'DELETE', path: '/api/v1/sites/{site}/members/{user}', need: 'admin', status: 204,
    prepare: async (site) => ({ vars: { user: (await makeUser(site, 'viewer')).id } }),
  },
  { method: 'GET', path: '/api/v1/sites/{site}/invitations', need: 'admin', status: 200 },
  { method: 'POST', path: '/api/v1/sites/{site}/invitations', need: 'admin', status: 201, body: () => ({ email: `inv${counter++}@x.example`, role: 'viewer' }) },
  {
    method: 'DELETE', path: '/api/v1/sites/{site}/invitations/{id}', need: 'admin', status: 204,
    prepare: async (site) => ({ vars: { id: (await ok<{ id: string }>(call(`/api/v1/sites/${site}/invitations`, { token: adminToken(), body: { email: `i${counter++}@x.example`, role: 'viewer' } }))).id } }),
  },
  { method: 'GET', path: '/api/v1/sites/{site}/goals', need: 'viewer', status: 200 },
  { method: 'POST', path: '/api/v1/sites/{site}/goals', need: 'admin', status: 201, body: () => ({ page_path: `/p${counter++}/**` }) },
  { method: 'DELETE', path: '/api/v1/sites/{site}/goals/{id}', need: 'admin', status: 204, prepare: async (site) => ({ vars: { id: (await goal(site)).id } }) },
  { method: 'GET', path: '/api/v1/sites/{site}/funnels', need: 'viewer', status: 200 },
  {
    method: 'POST', path: '/api/v1/sites/{site}/funnels', need: 'admin', status: 201,
    prepare: async (site) => ({ body: { name: 'f', steps: [(await goal(site)).id, (await goal(site)).id] } }),
  },
  {
    method: 'DELETE', path: '/api/v1/sites/{site}/funnels/{id}', need: 'admin', status: 204,
    prepare: async (site) => {
      const steps = [(await goal(site)).id, (await goal(site)).id];
      return { vars: { id: (await ok<{ id: string }>(call(`/api/v1/sites/${site}/funnels`, { token: adminToken(), body: { name: 'f', steps } }))).id } };
    },
  },
  { method: 'GET', path: '/api/v1/sites/{site}/shares', need: 'admin', status: 200 },
  { method: 'POST', path: '/api/v1/sites/{site}/shares', need: 'admin', status: 201, body: () => ({}) },
  {
    method: 'DELETE', path: '/api/v1/sites/{site}/shares/{id}', need: 'admin', status: 204,
    prepare: async (site) => ({ vars: { id: (await ok<{ id: string }>(call(`/api/v1/sites/${site}/shares`, { token: adminToken(), body: {} }))).id } }),
  },
  { method: 'DELETE', path: '/api/v1/sites/{site}/visitors/{uid}', need: 'admin', status: 202, prepare: async () => ({ vars: { uid: 'user-1' } }) },
  {
    method: 'GET', path: '/api/v1/sites/{site}/erasures/{id}', need: 'admin', status: 200,
    prepare: async (site) => ({ vars: { id: (await ok<{ id: string }>(call(`/api/v1/sites/${site}/visitors/user-2`, { method: 'DELETE', token: adminToken() }), 202)).id } }),
  },
  { method: 'POST', path: '/api/v1/keys', need: 'key-manager', status: 201, body: (site) => ({ sites: [site], scope: 'stats:read' }) },
  {
    method: 'DELETE', path: '/api/v1/keys/{id}', need: 'key-manager', status: 200,
    prepare: async (site) => ({ vars: { id: (await makeKey([site], 'stats:read')).id } }),
  },
  { method: 'DELETE', path: '/api/v1/sites/{site}', need: 'owner', status: 200 },
  { method: 'POST', path: '/api/v1/sites/{site}/reset', need: 'owner', status: 200, body: (site) => ({ confirm: site }) },
];

function expectedStatus(route: Route, actor: Actor): number {
  if (actor === 'anonymous') return 401;
  const allowed: Record<Need, Actor[]> = {
    viewer: ['viewer', 'readKey', 'admin', 'adminKey', 'owner'],
    admin: ['admin', 'adminKey', 'owner'],
    owner: ['owner'],
    'key-manager': ['admin', 'owner'],
  };
  return allowed[route.need].includes(actor) ? route.status : 403;
}

let other: string;
let otherOwner: string;
let otherKey: string;

beforeAll(async () => {
  other = await makeSite();
  otherOwner = (await makeUserSession(other, 'owner')).token;
  otherKey = (await makeKey([other], 'stats:read sites:admin')).token;
});

describe.each(ROUTES)('$method $path', (route) => {
  it(`answers each caller by role (${route.need})`, async () => {
    const site = await makeSite();
    const [viewer, admin, owner] = await Promise.all([makeUserSession(site, 'viewer'), makeUserSession(site, 'admin'), makeUserSession(site, 'owner')]);
    const share = await ok<{ token: string }>(call(`/api/v1/sites/${site}/shares`, { token: adminToken(), body: {} }), 201);
    const tokens: Record<Actor, string | null> = {
      anonymous: null,
      share: share.token,
      otherOwner,
      otherKey,
      viewer: viewer.token,
      readKey: (await makeKey([site], 'stats:read')).token,
      admin: admin.token,
      adminKey: (await makeKey([site], 'stats:read sites:admin')).token,
      owner: owner.token,
    };
    const seen: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const actor of ACTORS) {
      const prepared = (await route.prepare?.(site)) ?? {};
      let path = route.path.replace('{site}', site);
      for (const [name, value] of Object.entries(prepared.vars ?? {})) path = path.replace(`{${name}}`, encodeURIComponent(value));
      const body = prepared.body ?? route.body?.(site);
      const res = await call(path, { method: route.method, token: tokens[actor], body });
      seen[actor] = res.status;
      want[actor] = expectedStatus(route, actor);
      if (res.status >= 400) expect(await res.json()).toMatchObject({ error: expect.any(String), code: expect.any(String) });
    }
    expect(seen).toEqual(want);
  });
});

it('GET /api/v1/sites and /api/v1/keys list only what the caller may see', async () => {
  const site = await makeSite();
  const viewer = await makeUserSession(site, 'viewer');
  const owner = await makeUserSession(site, 'owner');
  await makeKey([site], 'stats:read');
  await makeKey([other], 'stats:read');
  const { sites } = await ok<{ sites: { id: string }[] }>(call('/api/v1/sites', as(viewer.token)));
  expect(sites.map((s) => s.id)).toEqual([site]);
  const keyList = await ok<{ sites: { id: string }[] }>(call('/api/v1/sites', as(otherKey)));
  expect(keyList.sites.map((s) => s.id)).toEqual([other]);
  const { keys } = await ok<{ keys: { sites: string[] }[] }>(call('/api/v1/keys', as(owner.token)));
  expect(keys.length).toBe(1);
  expect(keys.every((k) => k.sites.join() === site)).toBe(true);
  expect((await ok<{ keys: unknown[] }>(call('/api/v1/keys', as(viewer.token)))).keys).toEqual([]);
  expect((await call('/api/v1/sites', {})).status).toBe(401);
});

it('account-level routes: who may create sites, list keys, and use the session routes', async () => {
  const site = await makeSite();
  const share = await ok<{ token: string }>(call(`/api/v1/sites/${site}/shares`, { token: adminToken(), body: {} }), 201);
  const adminKey = (await makeKey([site], 'stats:read sites:admin')).token;
  const viewer = await makeUserSession(site, 'viewer');
  const newSite = () => ({ domain: `new-${crypto.randomUUID().slice(0, 8)}.example` });
  const statuses = {
    anonymousCreatesSite: (await call('/api/v1/sites', { body: newSite() })).status,
    keyCreatesSite: (await call('/api/v1/sites', { token: adminKey, body: newSite() })).status,
    shareCreatesSite: (await call('/api/v1/sites', { token: share.token, body: newSite() })).status,
    viewerCreatesSite: (await call('/api/v1/sites', { token: viewer.token, body: newSite() })).status,
    keyListsKeys: (await call('/api/v1/keys', as(adminKey))).status,
    shareListsSites: (await call('/api/v1/sites', as(share.token))).status,
    keySignsOut: (await call('/api/v1/auth/sign-out', { method: 'POST', token: adminKey })).status,
    keyChangesPassword: (await call('/api/v1/auth/password', { token: adminKey, body: { current_password: 'x', new_password: 'yyyyyyyyyyyy' } })).status,
    anonymousWhoAmI: (await call('/api/v1/auth/me')).status,
  };
  expect(statuses).toEqual({
    anonymousCreatesSite: 401,
    keyCreatesSite: 403,
    shareCreatesSite: 403,
    viewerCreatesSite: 201, // any signed-in user may start a site of their own
    keyListsKeys: 403,
    shareListsSites: 403,
    keySignsOut: 403,
    keyChangesPassword: 403,
    anonymousWhoAmI: 401,
  });
});
