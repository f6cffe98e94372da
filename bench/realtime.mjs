#!/usr/bin/env node
/**
 * `npm run bench:realtime`: the live stream under `wrangler dev`. In one run, alternating rounds so
 * machine noise hits both alike:
 *   - ingest throughput with no viewer, then with N viewers connected over WebSocket;
 *   - event → WebSocket delivery latency, measured at every viewer: probes posted one at a time (a
 *     quiet site); probes mixed into a steady open-loop load at --paced events/s, at most 40 % of the
 *     round's measured capacity (a busy site, where
 *     batches are coalesced: the target); probes mixed into the saturating closed-loop load (there
 *     the POST waits in the server's own queue, so the time after the 202 is printed beside it).
 * The site and the viewers' credentials go through the real management API (admin token from a
 * generated .dev.vars); the viewers use 60-second live tokens, as a browser would.
 *
 *   npm run bench:realtime -- [--viewers 50] [--events 3000] [--concurrency 32] [--rounds 3] [--probes 50] [--paced 100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevVars } from '../scripts/generate-dev-vars.mjs';
import { run, startDevServer, WRANGLER } from '../test/helpers/dev-server.mjs';
import { median, runLoad, runPaced } from './lib/load.mjs';
import { devServerGroup, serverCpuSeconds } from './lib/server-cpu.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const VIEWERS = arg('viewers', 50);
const EVENTS = arg('events', 3000);
const CONCURRENCY = arg('concurrency', 32);
const ROUNDS = arg('rounds', 3);
const PROBES = arg('probes', 50);
const PACED = arg('paced', 100);
const PORT = 8794;
const SITE = 'bench-realtime.example';
const VISITORS = 2000;
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PATHS = ['/', '/pricing', '/blog/launch', '/docs/getting-started', '/about'];

function eventRequest(base, i, path = PATHS[i % PATHS.length]) {
  const visitor = i % VISITORS;
  return {
    url: `${base}/api/event`,
    init: {
      method: 'POST',
      body: JSON.stringify({ n: 'pageview', u: `https://${SITE}${path}`, d: SITE }),
      headers: { 'content-type': 'text/plain', 'user-agent': UA, 'cf-connecting-ip': `10.${(visitor >> 8) & 255}.${visitor & 255}.${visitor % 7}` },
    },
  };
}

async function api(base, token, method, path, body) {
  const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Probe paths seen by each viewer, with the local time they arrived. */
class Viewer {
  constructor(ws) {
    this.ws = ws;
    this.arrivals = new Map();
    this.messages = 0;
    this.omitted = 0;
    ws.addEventListener('message', (event) => {
      const at = performance.now();
      const message = JSON.parse(event.data);
      this.messages += 1;
      if (message.type !== 'events') return;
      this.omitted += message.omitted ?? 0;
      for (const e of message.events) if (e.path.startsWith('/probe-')) this.arrivals.set(e.path, at);
    });
  }
}

async function connectViewers(base, adminToken, n) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const { token } = await api(base, adminToken, 'POST', `/api/v1/sites/${SITE}/live-token`);
      const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/sites/${SITE}/live?token=${token}`);
      const viewer = new Viewer(ws);
      await new Promise((resolve, reject) => {
        ws.addEventListener('message', resolve, { once: true }); // the snapshot
        ws.addEventListener('error', () => reject(new Error('viewer failed to connect')), { once: true });
      });
      return viewer;
    }),
  );
}

const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
};

/** Waits until every viewer saw every probe (or a second passed), then turns arrivals into latencies. */
async function latencies(viewers, sentAt) {
  const deadline = performance.now() + 2000;
  while (performance.now() < deadline && !viewers.every((v) => [...sentAt.keys()].every((p) => v.arrivals.has(p)))) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const values = [];
  // per event: when its first viewer had it, so fan-out spread and path latency can be told apart
  const first = [];
  let missing = 0;
  for (const [path, t0] of sentAt) {
    let earliest = Infinity;
    for (const viewer of viewers) {
      const at = viewer.arrivals.get(path);
      if (at === undefined) missing += 1;
      else values.push(at - t0), (earliest = Math.min(earliest, at - t0));
    }
    if (earliest < Infinity) first.push(earliest);
  }
  return { values, first, missing };
}

/** runLoad plus the server's and this client's CPU milliseconds per event. */
async function measuredLoad(pgrp, options) {
  const server0 = pgrp === null ? 0 : serverCpuSeconds(pgrp);
  const client0 = process.cpuUsage();
  const result = await runLoad(options);
  const client = process.cpuUsage(client0);
  result.serverCpuMs = pgrp === null ? NaN : ((serverCpuSeconds(pgrp) - server0) * 1000) / options.total;
  result.clientCpuMs = (client.user + client.system) / 1000 / options.total;
  return result;
}

const fmt = (r) => `${r.perSecond.toFixed(0).padStart(6)} events/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  CPU/event server ${r.serverCpuMs.toFixed(2)} ms client ${r.clientCpuMs.toFixed(2)} ms  statuses ${JSON.stringify(r.statuses)}`;
const fmtLat = (l) => `p50 ${pct(l.values, 50).toFixed(1)} ms  p99 ${pct(l.values, 99).toFixed(1)} ms  max ${pct(l.values, 100).toFixed(1)} ms  (${l.values.length} deliveries, ${l.missing} missing)`;

async function main() {
  const { PULSE_ADMIN_TOKEN: adminToken } = await ensureDevVars();
  const state = mkdtempSync(join(tmpdir(), 'pulse-bench-rt-'));
  await run(WRANGLER, ['d1', 'migrations', 'apply', 'pulse', '--local', '--persist-to', state]);
  // Bundle once and serve that file: `wrangler dev` reloads (and drops every socket) whenever a
  // source file changes, and other people may be editing this tree while the bench runs.
  const build = join(state, 'build');
  await run(WRANGLER, ['deploy', '--dry-run', '--outdir', build]);
  const pulse = await startDevServer({ config: 'wrangler.toml', port: PORT, persistTo: state, readyPath: '/api/health', extraArgs: [join(build, 'index.js'), '--no-bundle'] });
  const base = pulse.url;
  const pgrp = devServerGroup(PORT);
  let probe = 0;
  try {
    await api(base, adminToken, 'POST', '/api/v1/sites', { domain: SITE, timezone: 'UTC' });
    await runLoad({ total: 200, concurrency: 8, makeRequest: (i) => eventRequest(base, i) }); // warm-up

    const ingest = { without: [], with: [] };
    const quiet = { values: [], first: [], missing: 0 };
    const busy = { values: [], missing: 0 };
    const pacedAll = { values: [], missing: 0, afterAck: [] };
    const pacedRates = [];
    const acks = [];
    const afterAck = [];
    let messages = 0;
    let omitted = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const plain = await measuredLoad(pgrp, { total: EVENTS, concurrency: CONCURRENCY, makeRequest: (i) => eventRequest(base, i + round * EVENTS) });
      ingest.without.push(plain);
      console.log(`round ${round + 1} no viewers   ${fmt(plain)}`);

      const viewers = await connectViewers(base, adminToken, VIEWERS);
      // Busy site: every 50th request of the load is a probe; each viewer times its arrival.
      const busySent = new Map();
      const loaded = await measuredLoad(pgrp, {
        total: EVENTS,
        concurrency: CONCURRENCY,
        makeRequest: (i) => {
          if (i % 50 !== 0) return eventRequest(base, i + round * EVENTS);
          const path = `/probe-${probe++}`;
          busySent.set(path, performance.now());
          return eventRequest(base, i + round * EVENTS, path);
        },
      });
      ingest.with.push(loaded);
      console.log(`round ${round + 1} ${String(VIEWERS).padStart(3)} viewers  ${fmt(loaded)}`);
      const b = await latencies(viewers, busySent);

      // Busy but not saturated: a steady PACED events/s, every 20th a probe.
      const pacedSent = new Map();
      const pacedAcked = new Map();
      const pacedPath = new Map();
      // Never faster than 40 % of what this machine just took with no viewer: a steady site, not a queue.
      const rate = Math.max(5, Math.min(PACED, Math.floor(plain.perSecond * 0.4)));
      pacedRates.push(rate);
      const paced = await runPaced({
        total: Math.min(EVENTS, rate * 10),
        perSecond: rate,
        makeRequest: (i) => {
          if (i % 20 !== 0) return eventRequest(base, i + round * EVENTS);
          const path = `/probe-${probe++}`;
          pacedSent.set(path, performance.now());
          pacedPath.set(i, path);
          return eventRequest(base, i + round * EVENTS, path);
        },
        onAnswer: (i, at) => pacedPath.has(i) && pacedAcked.set(pacedPath.get(i), at),
      });
      const pl = await latencies(viewers, pacedSent);
      const plAfterAck = (await latencies(viewers, pacedAcked)).values;
      console.log(`round ${round + 1} paced        ${paced.perSecond.toFixed(0)} events/s  POST p50 ${paced.p50.toFixed(1)} ms  p99 ${paced.p99.toFixed(1)} ms | delivery ${fmtLat(pl)}`);
      pacedAll.values.push(...pl.values);
      pacedAll.missing += pl.missing;
      pacedAll.afterAck.push(...plAfterAck);

      // Quiet site: one probe at a time, further apart than the coalescing interval, so what is
      // measured is the path itself; the 202's own round trip is printed next to it.
      const quietSent = new Map();
      const quietAcked = new Map();
      for (let i = 0; i < PROBES; i++) {
        const path = `/probe-${probe++}`;
        const t0 = performance.now();
        quietSent.set(path, t0);
        const { url, init } = eventRequest(base, i, path);
        await fetch(url, init).then((r) => r.arrayBuffer());
        acks.push(performance.now() - t0);
        quietAcked.set(path, performance.now());
        await new Promise((r) => setTimeout(r, Math.max(0, 300 - (performance.now() - t0))));
      }
      const q = await latencies(viewers, quietSent);
      afterAck.push(...(await latencies(viewers, quietAcked)).values);
      console.log(`round ${round + 1} delivery     quiet ${fmtLat(q)} | busy ${fmtLat(b)}`);
      quiet.first.push(...q.first);
      for (const [into, from] of [[quiet, q], [busy, b]]) {
        into.values.push(...from.values);
        into.missing += from.missing;
      }
      messages += viewers.reduce((sum, v) => sum + v.messages, 0);
      omitted += viewers.reduce((sum, v) => sum + v.omitted, 0) / VIEWERS;
      for (const v of viewers) v.ws.close(1000, 'bench done');
    }

    const pick = (list) => ({
      perSecond: median(list.map((r) => r.perSecond)),
      p50: median(list.map((r) => r.p50)),
      p99: median(list.map((r) => r.p99)),
      serverCpuMs: median(list.map((r) => r.serverCpuMs)),
      clientCpuMs: median(list.map((r) => r.clientCpuMs)),
    });
    const w = pick(ingest.with);
    const n = pick(ingest.without);
    console.log('');
    console.log(`ingest, no viewers:      ${n.perSecond.toFixed(0)} events/s, p50 ${n.p50.toFixed(1)} ms, p99 ${n.p99.toFixed(1)} ms (median of ${ROUNDS} rounds of ${EVENTS}, concurrency ${CONCURRENCY})`);
    console.log(`ingest, ${VIEWERS} viewers:      ${w.perSecond.toFixed(0)} events/s, p50 ${w.p50.toFixed(1)} ms, p99 ${w.p99.toFixed(1)} ms`);
    console.log(`throughput with / without viewers: ${((w.perSecond / n.perSecond) * 100).toFixed(1)} %`);
    console.log(`server CPU per event: ${n.serverCpuMs.toFixed(2)} ms without, ${w.serverCpuMs.toFixed(2)} ms with ${VIEWERS} viewers; bench client (load + viewers) ${n.clientCpuMs.toFixed(2)} / ${w.clientCpuMs.toFixed(2)} ms`);
    console.log(`event -> WebSocket, quiet site: ${fmtLat(quiet)} (target p99 <= 100 ms)`);
    console.log(`  first of the ${VIEWERS} viewers to get each event: p50 ${pct(quiet.first, 50).toFixed(1)} ms  p99 ${pct(quiet.first, 99).toFixed(1)} ms`);
    console.log(`  the same probes' POST -> 202 round trip: p50 ${pct(acks, 50).toFixed(1)} ms  p99 ${pct(acks, 99).toFixed(1)} ms`);
    console.log(`  WebSocket arrival after the 202 reached the client (negative = before): p50 ${pct(afterAck, 50).toFixed(1)} ms  p99 ${pct(afterAck, 99).toFixed(1)} ms`);
    console.log(`event -> WebSocket, busy site (${median(pacedRates)} events/s steady, ${VIEWERS} viewers): ${fmtLat(pacedAll)} (target p99 <= 100 ms)`);
    console.log(`  WebSocket arrival after the 202 reached the client: p50 ${pct(pacedAll.afterAck, 50).toFixed(1)} ms  p99 ${pct(pacedAll.afterAck, 99).toFixed(1)} ms`);
    console.log(`event -> WebSocket, saturating closed loop (concurrency ${CONCURRENCY}; includes the POST's wait in the server's queue): ${fmtLat(busy)}`);
    console.log(`messages per viewer per round: ${(messages / VIEWERS / ROUNDS).toFixed(0)}; events left out of capped batches per viewer: ${omitted.toFixed(0)}`);

    // The snapshot is a few GROUP BYs over the 30-minute window inside the SiteDO; time it at the
    // window's current size (everything this run posted).
    const snapshotMs = [];
    let snapshot;
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      snapshot = await api(base, adminToken, 'GET', `/api/v1/sites/${SITE}/realtime`);
      snapshotMs.push(performance.now() - t0);
    }
    console.log(`GET realtime over ${snapshot.events} events in the window: p50 ${pct(snapshotMs, 50).toFixed(1)} ms  p99 ${pct(snapshotMs, 99).toFixed(1)} ms (${snapshot.visitors} current visitors)`);
    if (quiet.missing > 0 || pacedAll.missing > 0 || pct(quiet.values, 99) > 1000) process.exitCode = 1;
  } finally {
    await pulse.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

await main();
