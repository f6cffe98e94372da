/**
 * Issue 13, item 4: the management API (sites, goals, funnels, keys, members, invitations, shares,
 * segments)
 * fuzzed through the real Worker with the admin token: mutated and junk bodies on POST and PATCH,
 * mutated path parameters on PATCH and DELETE. Any 5xx fails, and so does a 4xx whose body is not
 * `{error, code}`; each finding prints the seed, the index, the route and the body.
 */
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, makeKey, makeSite, makeUser, ok, uniqueDomain } from '../helpers/api';
import { fuzzSeed, runFuzz, type Fuzzer, type FuzzCase } from '../helpers/fuzz';

const COUNT = 2_000;
const seed = fuzzSeed(env.FUZZ_SEED) + 3;
const run = Date.now().toString(36);

let site: string;
let doomed: string[];
let goals: string[];
let funnel: string;
let share: string;
let savedSegment: number;
let key: string;
let member: { id: string; email: string };

beforeAll(async () => {
  site = await makeSite(uniqueDomain('fuzz-mgmt'));
  // sites the fuzzer may really delete
  doomed = await Promise.all([1, 2, 3].map(() => makeSite(uniqueDomain('fuzz-mgmt-doomed'))));
  const admin = adminToken();
  goals = await Promise.all([{ event_name: 'Signup' }, { page_path: '/blog/**' }].map(async (body) =>
    (await ok<{ id: string }>(call(`/api/v1/sites/${site}/goals`, { token: admin, body }), 201)).id));
  funnel = (await ok<{ id: string }>(call(`/api/v1/sites/${site}/funnels`, { token: admin, body: { name: 'F', steps: goals } }), 201)).id;
  share = (await ok<{ id: string }>(call(`/api/v1/sites/${site}/shares`, { token: admin, body: { name: 'S' } }), 201)).id;
  savedSegment = (await ok<{ id: number }>(call(`/api/v1/sites/${site}/segments`, { token: admin, body: { name: 'G', scope: 'site', filters: [['is', 'visit:source', ['Google']]] } }), 201)).id;
  key = (await makeKey([site], 'stats:read')).id;
  member = await makeUser(site, 'viewer');
});

interface Target {
  method: string;
  /** path segments; `{…}` ones are parameters the fuzzer may spoil */
  path: string[];
  /** valid bodies, or null for a DELETE */
  valid: unknown[] | null;
}

function targets(index: number): Target[] {
  const s = ['api', 'v1', 'sites', `{${site}}`];
  return [
    { method: 'POST', path: ['api', 'v1', 'sites'], valid: [
      { domain: `fz${index}-${run}.example`, timezone: 'Europe/Berlin', retention_days: 30, allowed_hostnames: [`*.fz${index}.example`], public: false, flood_limit: { per_second: 10, burst: 100 } },
      { domain: `fz${index}-${run}.example` },
    ] },
    { method: 'PATCH', path: s, valid: [{ timezone: 'America/New_York', retention_days: 400, allowed_hostnames: [site, `*.${site}`], public: false, flood_limit: { per_second: 1_000, burst: 5_000 } }] },
    { method: 'DELETE', path: ['api', 'v1', 'sites', `{${doomed[index % doomed.length]}}`], valid: null },
    { method: 'POST', path: [...s, 'goals'], valid: [{ event_name: 'Purchase', display_name: 'Bought' }, { page_path: '/pricing/*' }] },
    { method: 'DELETE', path: [...s, 'goals', `{${goals[index % 2]}}`], valid: null },
    { method: 'POST', path: [...s, 'funnels'], valid: [{ name: 'Signup funnel', steps: [goals[1], goals[0], goals[1]] }] },
    { method: 'DELETE', path: [...s, 'funnels', `{${funnel}}`], valid: null },
    { method: 'POST', path: ['api', 'v1', 'keys'], valid: [
      { name: 'fuzz', sites: [site], scope: 'stats:read', expires_in_days: 30, rate_limit: 100 },
      { sites: [site], scope: ['stats:read', 'events:write'] },
    ] },
    { method: 'DELETE', path: ['api', 'v1', 'keys', `{${key}}`], valid: null },
    // an existing user mostly: a new one costs a PBKDF2 hash
    { method: 'POST', path: [...s, 'members'], valid: index % 3 ? [{ email: member.email, role: 'admin' }] : [{ email: `fz${index}-${run}@fuzz.example`, role: 'viewer', password: 'correct horse battery' }] },
    { method: 'PATCH', path: [...s, 'members', `{${member.id}}`], valid: [{ role: 'viewer' }] },
    { method: 'DELETE', path: [...s, 'members', `{${member.id}}`], valid: null },
    { method: 'POST', path: [...s, 'invitations'], valid: [{ email: `inv${index}@fuzz.example`, role: 'viewer' }] },
    { method: 'POST', path: [...s, 'shares'], valid: [{ name: 'For the board' }, {}] },
    { method: 'DELETE', path: [...s, 'shares', `{${share}}`], valid: null },
    { method: 'POST', path: [...s, 'segments'], valid: [
      { name: 'From Google', scope: 'site', filters: [['is', 'visit:source', ['Google']], ['not', ['contains', 'event:page', ['/admin']]]] },
      { name: 'Blog', filters: [['or', [['matches', 'event:page', ['^/blog/']], ['is', 'event:goal', ['Signup']]]]] },
    ] },
    { method: 'PATCH', path: [...s, 'segments', `{${savedSegment}}`], valid: [{ name: 'Renamed', scope: 'site', filters: [['is', 'visit:country', ['DE']]] }] },
    { method: 'DELETE', path: [...s, 'segments', `{${savedSegment}}`], valid: null },
  ];
}

const SEGMENTS = ['%zz', '%', '%E0%A4%A', '%ED%A0%80', '%00', '..', '%2e%2e', '%2F', '__proto__', 'constructor', 'x'.repeat(5_000), '%F0%9F%98%80', ''];

function segment(fuzzer: Fuzzer, raw: string, ops: string[]): string {
  if (!raw.startsWith('{')) return raw;
  const value = raw.slice(1, -1);
  if (!fuzzer.chance(0.3)) return encodeURIComponent(value);
  let spoiled: string;
  if (fuzzer.chance(0.5)) spoiled = fuzzer.pick(SEGMENTS);
  else {
    try {
      spoiled = encodeURIComponent(fuzzer.nastyString(value));
    } catch {
      spoiled = '%ED%A0%80'; // a lone surrogate cannot be URI-encoded: send its UTF-8 bytes as escapes
    }
  }
  ops.push(`path ${spoiled.slice(0, 40)}`);
  return spoiled;
}

/** Values valid somewhere in the management API, and their edges (see Fuzzer's vocabulary). */
function vocabulary(): unknown[] {
  return [
    'UTC', 'Europe/Berlin', 'Etc/GMT+14', 'Mars/Olympus', 'utc', '', 'America/Argentina/ComodRivadavia',
    site, doomed[0], `Fz-${run}.Example`, 'localhost', '-bad-.example', 'a'.repeat(64) + '.example', 'x.'.repeat(127), '*.example.com', '*', '**.example',
    'owner', 'admin', 'viewer', 'root', 'stats:read', 'events:write', 'sites:admin', 'stats:read events:write', 'stats:read,sites:admin', ['sites:admin'], [],
    goals[0], goals[1], funnel, share, key, member.id, member.email, 'USER@EXAMPLE.COM', 'a@b', '"a b"@example.com', `${'a'.repeat(250)}@x.io`,
    '/', '/**', '/*', '/blog/**/x', '/a?b', ' /spaced', 'Signup', 'x'.repeat(121),
    0, 1, 3650, 3651, 730, 731, 1_000_000, 1_000_001, 1.5, -1, true, false, null,
    { per_second: 1, burst: 1 }, { per_second: 0.5, burst: 1 }, { per_second: 1_000_000, burst: 10_000_000, extra: 1 },
    [site, site], Array.from({ length: 101 }, (_, i) => `s${i}.example`), Array.from({ length: 9 }, () => goals[0]), [goals[0]],
  ];
}

type ManagementCase = FuzzCase & { label: string; method: string; url: string; token: string | null };

function managementCase(fuzzer: Fuzzer, index: number): ManagementCase {
  const target = fuzzer.pick(targets(index));
  const c: FuzzCase = target.valid
    ? fuzzer.makeCase(index, target.valid)
    // a DELETE sends no body; now and then one anyway
    : fuzzer.chance(0.9) ? { index, ops: [], contentType: null, body: null } : fuzzer.makeCase(index, [{ reason: 'x' }]);
  const path = `/${target.path.map((p) => segment(fuzzer, p, c.ops)).join('/')}`;
  const method = fuzzer.chance(0.02) ? fuzzer.pick(['PUT', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST']) : target.method;
  const token = fuzzer.chance(0.02) ? fuzzer.pick([null, 'junk', 'a.b.c']) : adminToken();
  const body = method === 'GET' || method === 'HEAD' ? null : c.body;
  return { ...c, body, method, url: `https://pulse.test${path}`, token, label: `${method} ${path.slice(0, 120)}` };
}

function send(c: FuzzCase): Promise<Response> {
  const m = c as ManagementCase;
  const headers: Record<string, string> = m.contentType === null ? {} : { 'content-type': m.contentType };
  if (m.token) headers.authorization = `Bearer ${m.token}`;
  return SELF.fetch(m.url, { method: m.method, headers, body: m.body });
}

describe(`the management API, fuzzed (seed ${seed})`, () => {
  it(`answers ${COUNT} mutated and junk requests without a 5xx, every 4xx as {error, code}`, async () => {
    const { findings, statuses } = await runFuzz({ seed, count: COUNT, makeCase: managementCase, send, vocabulary: vocabulary() });
    expect(findings, findings.join('\n\n')).toEqual([]);
    // the generator reaches both sides: changes made and requests refused
    expect((statuses[200] ?? 0) + (statuses[201] ?? 0) + (statuses[204] ?? 0)).toBeGreaterThan(100);
    expect(statuses[400]).toBeGreaterThan(500);
  }, 120_000);
});
