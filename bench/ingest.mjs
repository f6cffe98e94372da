#!/usr/bin/env node
/**
 * `npm run bench:ingest`: the full ingestion pipeline under `wrangler dev` (collector -> SiteDO ->
 * outbox -> Queue -> consumer -> D1 + R2) against a no-op Worker on the same runtime, measured in
 * the same run, in alternating rounds so machine noise hits both alike. Then waits for the
 * consumer and checks accepted == rows in D1 == events in the R2 archive (Parquet), and counts the
 * archive's R2 Class A operations per event: one put per object today, against one per message
 * and hour before (each object's `batches` metadata names the messages it holds).
 * CPU per event (issue 14, target <= 1.3x the no-op's): workerd has no per-request CPU accounting
 * locally, so each server's process group is read from /proc (bench/lib/server-cpu.mjs) around
 * each round: the collector and the SiteDO's ingest, and also the alarm's flushes and the consumer
 * whenever they run during a round (a SiteDO flushes at 1,000 waiting rows or after 15 s, so a
 * round of 3,000 events holds a few); what they do after the load is reported apart, over the drain.
 * A second no-op sits behind the same static-assets front door as Pulse (its asset router is one
 * more hop per request, bench/noop/front-door.wrangler.toml), so the ratio against it is the part
 * that Pulse's own code and bindings cost.
 *
 *   npm run bench:ingest -- [--events 3000] [--concurrency 32] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPlatformProxy } from 'wrangler';
import { run, startDevServer, WRANGLER } from '../test/helpers/dev-server.mjs';
import { countArchived } from '../test/helpers/archive-files.mjs';
import { median, runLoad } from './lib/load.mjs';
import { PATHS, REFERRERS, UAS } from './lib/requests.mjs';
import { devServerGroup, serverCpuSeconds } from './lib/server-cpu.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = arg('events', 3000);
const CONCURRENCY = arg('concurrency', 32);
const ROUNDS = arg('rounds', 3);
const VISITORS = 2000;
const SITE = 'bench.example';

function eventRequest(base, i) {
  const visitor = i % VISITORS;
  const body = JSON.stringify({
    n: 'pageview',
    u: `https://${SITE}${PATHS[(i * 7) % PATHS.length]}`,
    d: SITE,
    r: REFERRERS[visitor % REFERRERS.length],
  });
  return {
    url: `${base}/api/event`,
    init: {
      method: 'POST',
      body,
      headers: {
        'content-type': 'text/plain',
        'user-agent': UAS[visitor % UAS.length],
        // wrangler dev passes this through; in production Cloudflare sets it
        'cf-connecting-ip': `10.${(visitor >> 8) & 255}.${visitor & 255}.${visitor % 7}`,
      },
    },
  };
}

const fmt = (r) => `${r.perSecond.toFixed(0).padStart(6)} events/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  CPU/event ${r.cpuMs.toFixed(3)} ms  statuses ${JSON.stringify(r.statuses)}`;

/** runLoad plus the server's CPU milliseconds per event over the round. */
async function measuredLoad(pgrp, options) {
  const cpu0 = pgrp === null ? 0 : serverCpuSeconds(pgrp);
  const result = await runLoad(options);
  result.cpuMs = pgrp === null ? NaN : ((serverCpuSeconds(pgrp) - cpu0) * 1000) / options.total;
  return result;
}

async function main() {
  const state = mkdtempSync(join(tmpdir(), 'pulse-bench-'));
  await run(WRANGLER, ['d1', 'migrations', 'apply', 'pulse', '--local', '--persist-to', state]);
  // The bench measures throughput, so the site's flood limit (1,000 events/s by default) is lifted.
  await run(WRANGLER, ['d1', 'execute', 'pulse', '--local', '--persist-to', state, '--command',
    `INSERT INTO sites (id, timezone, retention_days, settings, uid_secret) VALUES ('${SITE}', 'UTC', 395, '{"floodLimit":{"perSecond":1000000,"burst":1000000}}', 'bench-secret')`]);

  // Serve a prebuilt bundle: `wrangler dev` on the sources reloads when any file changes, and a
  // reload drops the local Queue's in-flight messages (memory only in local mode).
  const build = join(state, 'build');
  await run(WRANGLER, ['deploy', '--dry-run', '--outdir', build]);
  const pulse = await startDevServer({ config: 'wrangler.toml', port: 8791, persistTo: state, readyPath: '/api/health', extraArgs: [join(build, 'index.js'), '--no-bundle'] });
  const noop = await startDevServer({ config: 'bench/noop/wrangler.toml', port: 8792 });
  const frontDoor = await startDevServer({ config: 'bench/noop/front-door.wrangler.toml', port: 8793 });
  const groups = { pulse: devServerGroup(8791), noop: devServerGroup(8792), frontDoor: devServerGroup(8793) };
  let accepted = 0;
  try {
    // warm both up (first requests compile code and create the SiteDO)
    for (const target of [pulse, noop, frontDoor]) await runLoad({ total: 200, concurrency: 8, makeRequest: (i) => eventRequest(target.url, i) });
    accepted += 200;

    const results = { pulse: [], noop: [], frontDoor: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, target] of [['noop', noop], ['frontDoor', frontDoor], ['pulse', pulse]]) {
        const r = await measuredLoad(groups[name], { total: EVENTS, concurrency: CONCURRENCY, makeRequest: (i) => eventRequest(target.url, i + round * EVENTS) });
        results[name].push(r);
        if (name === 'pulse') accepted += r.statuses[202] ?? 0;
        console.log(`round ${round + 1} ${name.padEnd(9)} ${fmt(r)}`);
      }
    }
    const pick = (list) => ({ perSecond: median(list.map((r) => r.perSecond)), p50: median(list.map((r) => r.p50)), p99: median(list.map((r) => r.p99)), cpuMs: median(list.map((r) => r.cpuMs)) });
    const p = pick(results.pulse);
    const n = pick(results.noop);
    const f = pick(results.frontDoor);
    console.log('');
    console.log(`ingest pipeline: ${p.perSecond.toFixed(0)} events/s, p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms (median of ${ROUNDS} rounds of ${EVENTS}, concurrency ${CONCURRENCY})`);
    console.log(`no-op worker:    ${n.perSecond.toFixed(0)} events/s, p50 ${n.p50.toFixed(1)} ms, p99 ${n.p99.toFixed(1)} ms`);
    console.log(`throughput ratio pipeline / no-op: ${((p.perSecond / n.perSecond) * 100).toFixed(1)} % (target >= 70 %)`);
    console.log(`CPU per event: pipeline ${p.cpuMs.toFixed(3)} ms, no-op ${n.cpuMs.toFixed(3)} ms, ratio ${(p.cpuMs / n.cpuMs).toFixed(2)}x (target <= 1.3x; workerd + wrangler process groups, /proc)`);
    console.log(`CPU per event vs a no-op behind the same assets front door: ${f.cpuMs.toFixed(3)} ms, ratio ${(p.cpuMs / f.cpuMs).toFixed(2)}x; throughput ${((p.perSecond / f.perSecond) * 100).toFixed(1)} %`);
    const drainCpu0 = groups.pulse === null ? 0 : serverCpuSeconds(groups.pulse);

    // Wait for outbox -> Queue -> consumer to catch up, reading the same local state.
    const proxy = await getPlatformProxy({ configPath: 'wrangler.toml', persist: { path: join(state, 'v3') } });
    let rows = 0;
    const deadline = Date.now() + 120_000;
    const drainStart = Date.now();
    while (Date.now() < deadline) {
      rows = (await proxy.env.DB.prepare('SELECT count(*) AS n FROM events WHERE site_id = ?').bind(SITE).first('n')) ?? 0;
      if (rows >= accepted) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const drainCpuMs = groups.pulse === null ? NaN : ((serverCpuSeconds(groups.pulse) - drainCpu0) * 1000) / accepted;
    console.log(`flush + consumer after the load (alarm -> Queue -> D1 + R2): ${drainCpuMs.toFixed(3)} ms CPU per event`);
    // the consumer writes R2 right after D1: give the archive the same chance to catch up
    let archive = await countArchived(proxy.env.ARCHIVE, `raw/v1/site=${SITE}/`);
    for (let i = 0; i < 20 && archive.events < accepted; i++) {
      await new Promise((r) => setTimeout(r, 500));
      archive = await countArchived(proxy.env.ARCHIVE, `raw/v1/site=${SITE}/`);
    }
    await proxy.dispose();
    const archived = archive.events;
    console.log(`accepted ${accepted}, rows in D1 ${rows}, events in R2 ${archived}, lost ${accepted - rows} (D1 caught up ${drainSeconds.toFixed(1)} s after the load)`);
    const perMillion = (n) => ((n / archived) * 1e6).toFixed(0);
    console.log(
      `R2 archive: ${archive.objects} Parquet objects for ${archive.messages} Queue messages, ${(archive.bytes / archived).toFixed(1)} B/event; ` +
        `Class A per M events: ${perMillion(archive.objects)} puts (before: ${perMillion(archive.messages)} or more, one per message and hour), Class B: 0`,
    );
    if (rows !== accepted || archived !== accepted) process.exitCode = 1;
  } finally {
    await pulse.stop();
    await noop.stop();
    await frontDoor.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

await main();
