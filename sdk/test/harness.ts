/**
 * Test harness for the SDK in real headless Chromium: a Node http server on 127.0.0.1 that
 * serves fixture pages and the built scripts and records every POST to the events endpoint,
 * and a browser that resolves `*.example` to it, so pages run on a host that is not localhost.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
// `window.pulse` and `navigator.globalPrivacyControl` as the tracker declares them, for page.evaluate
import type {} from '../src/types';
import { launchChromium as launchBrowser, MAP_EXAMPLE_HOSTS } from '../../test/helpers/browser.mjs';

export const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));
export const DIST_DIR = join(SDK_DIR, 'dist');

/** One recorded request to an events endpoint. */
export interface Recorded {
  path: string;
  host: string;
  contentType: string | undefined;
  cookie: string | undefined;
  body: unknown;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.json': 'application/json' };

export class FixtureServer {
  readonly requests: Recorded[] = [];
  private pages = new Map<string, { body: string; type: string }>();
  private server!: Server;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        ({ status, type, body }) => {
          // CORS like the Worker will serve the scripts: modules load through import()
          res.writeHead(status, { 'content-type': type, 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
          res.end(body);
        },
        (e: unknown) => {
          res.writeHead(500);
          res.end(String(e));
        },
      );
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** `http://<host>:<port>` of this server. */
  origin(host = 'pulse-test.example'): string {
    return `http://${host}:${this.port}`;
  }

  /** Serves `body` at `path` (any host); `*` is the fallback for every other path. */
  page(path: string, body: string, type = 'text/html'): void {
    this.pages.set(path, { body, type });
  }

  /** Events of every recorded request, flattened in arrival order. */
  events(): Record<string, unknown>[] {
    return this.requests.flatMap((r) => (Array.isArray(r.body) ? r.body : [r.body])) as Record<string, unknown>[];
  }

  reset(): void {
    this.requests.length = 0;
  }

  /**
   * Waits until no request arrived for `quiet` ms (at most `timeout`), then resets: a page closed
   * by the previous test reports its engagement as it unloads, and that must not leak into the next.
   */
  async settle({ quiet = 200, timeout = 3000 } = {}): Promise<void> {
    const until = Date.now() + timeout;
    let seen = -1;
    while (seen !== this.requests.length && Date.now() < until) {
      seen = this.requests.length;
      await sleep(quiet);
    }
    this.reset();
  }

  /** Waits until at least `count` events arrived, then a little longer to catch any extra. */
  async waitForEvents(count: number, { timeout = 5000, settle = 300 } = {}): Promise<Record<string, unknown>[]> {
    const until = Date.now() + timeout;
    while (this.events().length < count && Date.now() < until) await sleep(25);
    await sleep(settle);
    return this.events();
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; type: string; body: string | Buffer }> {
    const url = new URL(req.url || '/', 'http://x');
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks).toString();
      if (url.pathname === '/api/event') {
        this.requests.push({ path: url.pathname, host: req.headers.host || '', contentType: req.headers['content-type'], cookie: req.headers.cookie, body: JSON.parse(raw) });
        return { status: 202, type: 'text/plain', body: 'ok' };
      }
      if (url.pathname === '/api/fail') {
        this.requests.push({ path: url.pathname, host: req.headers.host || '', contentType: req.headers['content-type'], cookie: req.headers.cookie, body: JSON.parse(raw) });
        return { status: 500, type: 'text/plain', body: 'boom' };
      }
      return { status: 404, type: 'text/plain', body: 'not found' };
    }
    if (url.pathname.startsWith('/dist/')) {
      const file = normalize(join(DIST_DIR, url.pathname.slice(6)));
      if (!file.startsWith(DIST_DIR)) return { status: 403, type: 'text/plain', body: 'no' };
      return { status: 200, type: TYPES[extname(file)] || 'application/octet-stream', body: await readFile(file) };
    }
    const page = this.pages.get(url.pathname) ?? this.pages.get('*');
    if (page) return { status: 200, ...page };
    return { status: 404, type: 'text/html', body: '<!doctype html><title>404</title><p>not found</p>' };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The shared headless Chromium (test/helpers/browser.mjs), with every `*.example` host resolving to 127.0.0.1. */
export function launchChromium(): Promise<Browser> {
  return launchBrowser({ args: [MAP_EXAMPLE_HOSTS] });
}

export interface PageOptions {
  /** keep `navigator.webdriver` as the automated browser reports it (true) */
  automation?: boolean;
  /** script run before any page script, e.g. to set an opt-out flag */
  init?: string;
}

/**
 * A fresh context and page. Chromium under automation reports `navigator.webdriver = true`,
 * which the tracker (rightly) ignores, so by default the page sees a regular browser.
 */
export async function openPage(browser: Browser, options: PageOptions = {}): Promise<{ context: BrowserContext; page: Page; errors: Error[] }> {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  if (!options.automation) await context.addInitScript('Object.defineProperty(Navigator.prototype, "webdriver", { get: () => false })');
  if (options.init) await context.addInitScript(options.init);
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  return { context, page, errors };
}

/** Emulates the page being hidden or shown again (tab switch), as the browser fires it. */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', { value: h ? 'hidden' : 'visible', configurable: true });
    Object.defineProperty(document, 'hidden', { value: h, configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  }, hidden);
}

/** The pre-load snippet from the README. */
export const SNIPPET = '<script>window.pulse = window.pulse || function () { (pulse.q = pulse.q || []).push(arguments) }</script>';

/** A fixture page with the script tag; `attrs` are extra attributes of the tag. */
export function fixture({ script = 'pulse.js', attrs = '', head = '', body = '' } = {}): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>fixture</title>${head}
<script defer src="/dist/${script}" data-domain="test.example" ${attrs}></script></head>
<body style="margin:0">${body}</body></html>`;
}
