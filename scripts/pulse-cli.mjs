#!/usr/bin/env node
/**
 * `npm run pulse -- <command>`: manage sites, users and keys of a Pulse instance over its
 * management API. Local by default (the `npm run dev` Worker, authenticated with
 * PULSE_ADMIN_TOKEN from .dev.vars); `--remote <url> --token <admin token>` for a deployed one.
 *
 * Exit codes: 0 done, 1 the server refused (4xx/5xx), 2 usage error, 3 could not reach the server.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, planCommand, UsageError } from './cli/args.mjs';
import { printResult } from './cli/output.mjs';
import { parseDevVars } from './generate-dev-vars.mjs';

// The same port `npm run dev` uses (scripts/dev.mjs honours PULSE_PORT too).
const LOCAL_URL = `http://127.0.0.1:${process.env.PULSE_PORT ?? 8787}`;

const HELP = `Usage: npm run pulse -- <command> [options]

Commands:
  site add <domain> [--timezone Europe/Berlin] [--retention-days 395] [--public] [--database DB_2]
  site list
  site move <domain> --to DB_2      (copies, verifies, switches, cleans up; waits ~35 s twice)
  site move <domain> --abort        (gives up a move that has not switched yet)
  user add <email> --site <domain> [--role owner|admin|viewer] [--password P]
                                   (prints a generated password when none is given)
  key create --site <domain>[,<domain>] --scope stats:read[,events:write,sites:admin]
             [--expires 90d|12w|6m|1y] [--name N] [--rate-limit 600]
                                   (prints the key alone on its last line)
  key list [--site <domain>]
  key revoke <key id>

Options:
  --remote <url>   a deployed instance instead of ${LOCAL_URL} (port: $PULSE_PORT)
  --token <token>  admin token (default: $PULSE_ADMIN_TOKEN, locally from .dev.vars)
  --json           print the raw JSON response
  -h, --help       this help

Exit codes: 0 ok, 1 refused by the server, 2 usage error, 3 server unreachable.`;

function adminToken(flags) {
  if (flags.token) return flags.token;
  if (process.env.PULSE_ADMIN_TOKEN) return process.env.PULSE_ADMIN_TOKEN;
  const path = resolve(process.cwd(), '.dev.vars');
  if (!flags.remote && existsSync(path)) {
    const token = parseDevVars(readFileSync(path, 'utf8')).PULSE_ADMIN_TOKEN;
    if (token) return token;
  }
  throw new UsageError(
    flags.remote ? 'no admin token: pass --token or set PULSE_ADMIN_TOKEN' : 'no admin token in .dev.vars: run `npm run dev` once (it generates one)',
  );
}

async function main(argv) {
  const { positionals, flags } = parseArgs(argv);
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) {
    console.error(HELP);
    return 2;
  }
  const plan = planCommand(positionals, flags);
  const base = (flags.remote ?? LOCAL_URL).replace(/\/+$/, '');
  const token = adminToken(flags);
  plan.base = base;
  let answer = await request(base, token, plan, flags);
  // a command of many steps (site move) repeats its step until the server says it is done
  while (plan.step && answer.body && answer.body.move?.phase !== 'done') {
    const { phase, wait_ms: waitMs = 0 } = answer.body.move ?? {};
    console.error(`… ${phase}${waitMs ? ` (waiting ${Math.ceil(waitMs / 1000)} s for every isolate to see it)` : ''}`);
    if (waitMs) await new Promise((r) => setTimeout(r, Math.min(waitMs, 10_000)));
    answer = await request(base, token, { ...plan, ...plan.step, body: undefined }, flags);
  }
  if (!answer.body) return answer.code;
  const body = answer.body;
  if (flags.json) console.log(JSON.stringify(body, null, 2));
  else printResult(plan, body);
  return 0;
}

/** One call of the management API: `{ body }`, or `{ code }` (1 refused, 3 unreachable) after saying why. */
async function request(base, token, plan, flags) {
  let response;
  try {
    response = await fetch(`${base}${plan.path}`, {
      method: plan.method,
      headers: { authorization: `Bearer ${token}`, ...(plan.body ? { 'content-type': 'application/json' } : {}) },
      body: plan.body ? JSON.stringify(plan.body) : undefined,
    });
  } catch (err) {
    console.error(`pulse: cannot reach ${base} (${err.cause?.code ?? err.message})${flags.remote ? '' : ' — is `npm run dev` running?'}`);
    return { code: 3 };
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { error: text.slice(0, 200) };
  }
  if (!response.ok) {
    console.error(`pulse: ${plan.command} failed: ${response.status} ${body?.error ?? response.statusText}`);
    return { code: 1 };
  }
  return { body: body ?? {} };
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  console.error(`pulse: ${err.message}\nRun \`npm run pulse -- --help\` for usage.`);
  process.exitCode = 2;
}
