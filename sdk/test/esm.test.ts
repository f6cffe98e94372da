// The npm package through a bundler: a tiny app imports `@pulse/sdk` (resolved through the
// package's `exports`, as an installed dependency), esbuild bundles it, Chromium runs it, and
// TypeScript checks the app against the emitted declarations.
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import ts from 'typescript';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { build } from '../build.mjs';
import { FixtureServer, SDK_DIR, launchChromium, openPage } from './harness';

const APP = `
import { init, track, trackNotFound, type EventOptions } from '@pulse/sdk';
import { initErrors } from '@pulse/sdk/errors';
import { initLinks } from '@pulse/sdk/links';
import { initVitals } from '@pulse/sdk/vitals';
import { setPersist } from '@pulse/sdk/persist';
import { createClient, PulseApiError, type QueryRequest } from '@pulse/sdk/client';

const options: EventOptions = { props: { via: 'esbuild' } };
track('Before init', options);
init({ domain: 'esm.example', api: '/api/event' });
initLinks({ outbound: true, downloads: ['pdf'] });
initErrors();
initVitals();
track('Bundled', { ...options, revenue: { amount: 1, currency: 'USD' } });
if (location.pathname === '/missing') trackNotFound();
const query: QueryRequest = { site_id: 'esm.example', metrics: ['visitors', 'lcp_p75'], date_range: '7d', dimensions: ['visit:source'] };
(window as unknown as Record<string, unknown>).checks = [typeof setPersist, typeof createClient({ baseUrl: 'https://x', key: 'k' }).query, new PulseApiError(401, 'no').status, query.metrics.length];
`;
// lines that must not type-check: @ts-expect-error fails the check if the types let them through
const TYPE_ERRORS = `
import { init, track } from '@pulse/sdk';
import { createClient } from '@pulse/sdk/client';
// @ts-expect-error the event name is a string
track(42);
// @ts-expect-error props are string values
track('x', { props: { n: 1 } });
// @ts-expect-error unknown option
init({ domian: 'typo.example' });
// @ts-expect-error metrics are a closed list
void createClient({ baseUrl: '', key: '' }).query({ site_id: 's', metrics: ['visitorz'], date_range: '7d' });
`;

let server: FixtureServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  await build();
  dir = mkdtempSync(join(tmpdir(), 'pulse-esm-'));
  // installed as a dependency would be: node_modules/@pulse/sdk -> the package folder
  mkdirSync(join(dir, 'node_modules', '@pulse'), { recursive: true });
  symlinkSync(SDK_DIR, join(dir, 'node_modules', '@pulse', 'sdk'), 'dir');
  writeFileSync(join(dir, 'app.ts'), APP);
  writeFileSync(join(dir, 'type-errors.ts'), TYPE_ERRORS);
  server = await new FixtureServer().start();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the declarations type-check an app and reject wrong calls', () => {
  const program = ts.createProgram([join(dir, 'app.ts'), join(dir, 'type-errors.ts')], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2020.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: false,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diagnostics).toEqual([]);
});

test('an app bundled by esbuild tracks its pageview and events in Chromium', async () => {
  const out = await esbuild.build({
    entryPoints: [join(dir, 'app.ts')],
    absWorkingDir: dir,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
  });
  const bundle = out.outputFiles[0].text;
  server.page('/app.js', bundle, 'text/javascript');
  server.page('/missing', '<!doctype html><title>app</title><h1>Not found</h1><script type="module" src="/app.js"></script>');
  const { context, page, errors } = await openPage(browser);
  await page.goto(server.origin() + '/missing');
  await server.waitForEvents(4);
  const base = { u: server.origin() + '/missing', d: 'esm.example', r: null };
  expect(server.requests[0].body).toEqual([
    { n: 'pageview', ...base },
    { n: 'Before init', ...base, p: { via: 'esbuild' } },
    { n: 'Bundled', ...base, p: { via: 'esbuild' }, $: { amount: 1, currency: 'USD' } },
    { n: '404', ...base, p: { path: '/missing' } },
  ]);
  expect(await page.evaluate(() => (window as unknown as { checks: unknown }).checks)).toEqual(['function', 'function', 401, 2]);
  expect(errors).toEqual([]);
  await context.close();
});

test('the npm build reads hash routing at run time', async () => {
  writeFileSync(join(dir, 'hash-app.ts'), `import { init } from '@pulse/sdk'; init({ domain: 'esm.example', hash: true });`);
  const out = await esbuild.build({ entryPoints: [join(dir, 'hash-app.ts')], absWorkingDir: dir, bundle: true, format: 'esm', write: false });
  server.page('/hash-app.js', out.outputFiles[0].text, 'text/javascript');
  server.page('/inbox', '<!doctype html><title>app</title><script type="module" src="/hash-app.js"></script>');
  await server.settle(); // a page closed by the previous test may still report its engagement
  const { context, page } = await openPage(browser);
  await page.goto(server.origin() + '/inbox#/all');
  await server.waitForEvents(1);
  await page.evaluate(() => (location.hash = '#/unread'));
  const events = await server.waitForEvents(3);
  expect(events.map((e) => [e.n, e.u, e.h])).toEqual([
    ['pageview', server.origin() + '/inbox#/all', 1],
    ['engagement', server.origin() + '/inbox#/all', 1],
    ['pageview', server.origin() + '/inbox#/unread', 1],
  ]);
  await context.close();
});
