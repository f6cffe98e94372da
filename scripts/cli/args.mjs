/**
 * Argument parsing for `npm run pulse -- <command>`: pure functions, tested in Node
 * (scripts/cli/args.test.mjs), so the CLI's HTTP side is only the management API.
 */

import { parseArgs as parseArgv } from 'node:util';

export class UsageError extends Error {}

/** Every option of every command: those that take a value, and the switches. */
const VALUE_FLAGS = ['remote', 'token', 'timezone', 'retention-days', 'role', 'site', 'password', 'scope', 'expires', 'name', 'rate-limit', 'to', 'database'];
const OPTIONS = {
  ...Object.fromEntries(VALUE_FLAGS.map((name) => [name, { type: 'string' }])),
  help: { type: 'boolean', short: 'h' },
  public: { type: 'boolean' },
  abort: { type: 'boolean' },
  json: { type: 'boolean' },
};

/** Node's parse errors, each as one short line naming the option (its own message is three). */
function usageError(error) {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1] ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option ${option}`);
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // a value that starts with a dash is taken for a forgotten one: `--site=-x` passes it
    return new UsageError(/does not take an argument/.test(error.message) ? `${option} takes no value` : `${option} needs a value`);
  }
  return new UsageError(error.message);
}

/**
 * Splits argv into positionals and flags with `node:util` `parseArgs` (strict): `--flag value`
 * and `--flag=value`, `-h` for `--help`, `--` ends the options; an unknown option, a missing value
 * or a value given to a switch is a UsageError.
 */
export function parseArgs(argv) {
  try {
    const { values, positionals } = parseArgv({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { positionals, flags: { ...values } };
  } catch (error) {
    if (typeof error?.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_')) throw usageError(error);
    throw error;
  }
}

/** `90d`, `12w`, `6m` (30-day months), `1y` or a bare number of days → whole days (1–730). */
export function parseExpiry(text) {
  const match = /^(\d+)\s*([dwmy]?)$/i.exec(String(text).trim());
  if (!match) throw new UsageError(`--expires must look like 90d, 12w, 6m or 1y (got "${text}")`);
  const days = Number(match[1]) * { '': 1, d: 1, w: 7, m: 30, y: 365 }[match[2].toLowerCase()];
  if (days < 1 || days > 730) throw new UsageError('--expires must be between 1 day and 2 years');
  return days;
}

const SCOPES = ['stats:read', 'events:write', 'sites:admin'];

/** `stats:read,events:write` (or space-separated) → the server's space-separated scope string. */
export function parseScope(text) {
  const scopes = String(text ?? '').split(/[\s,]+/).filter(Boolean);
  if (scopes.length === 0) throw new UsageError(`--scope is required: one or more of ${SCOPES.join(', ')}`);
  for (const scope of scopes) if (!SCOPES.includes(scope)) throw new UsageError(`unknown scope "${scope}"; use ${SCOPES.join(', ')}`);
  return [...new Set(scopes)].join(' ');
}

export const parseSites = (text) => {
  const sites = String(text ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (sites.length === 0) throw new UsageError('--site is required');
  return sites;
};

/** A D1 binding of wrangler.toml: `DB`, `DB_2`, `DB_3`, … */
export function parseBinding(text, flag) {
  const binding = String(text).trim().toUpperCase();
  if (!/^DB(_[0-9]+)?$/.test(binding)) throw new UsageError(`${flag} must be a D1 binding such as DB or DB_2 (got "${text}")`);
  return binding;
}

/** Turns parsed argv into one request description, or throws UsageError. */
export function planCommand(positionals, flags) {
  const [noun, verb, ...rest] = positionals;
  const key = `${noun ?? ''} ${verb ?? ''}`.trim();
  const need = (value, what) => {
    if (!value) throw new UsageError(`${key}: missing ${what}`);
    return value;
  };
  switch (key) {
    case 'site add': {
      const body = { domain: need(rest[0], '<domain>') };
      if (flags.timezone) body.timezone = flags.timezone;
      if (flags['retention-days']) body.retention_days = Number(flags['retention-days']);
      if (flags.public) body.public = true;
      if (flags.database) body.database = parseBinding(flags.database, '--database');
      return { command: key, method: 'POST', path: '/api/v1/sites', body };
    }
    case 'site move': {
      // a move is many bounded steps: the CLI repeats `step` until the server says `done`
      const site = encodeURIComponent(need(rest[0], '<domain>'));
      if (flags.abort) return { command: 'site move --abort', method: 'DELETE', path: `/api/v1/sites/${site}/move` };
      const to = parseBinding(need(flags.to, '--to <binding>'), '--to');
      return { command: key, method: 'POST', path: `/api/v1/sites/${site}/move`, body: { to }, step: { method: 'POST', path: `/api/v1/sites/${site}/move/step` } };
    }
    case 'site list':
      return { command: key, method: 'GET', path: '/api/v1/sites' };
    case 'user add': {
      const email = need(rest[0], '<email>');
      const role = flags.role ?? 'viewer';
      if (!['owner', 'admin', 'viewer'].includes(role)) throw new UsageError('--role must be owner, admin or viewer');
      const site = need(flags.site, '--site <domain>');
      const body = { email, role, ...(flags.password ? { password: flags.password } : {}) };
      return { command: key, method: 'POST', path: `/api/v1/sites/${encodeURIComponent(site)}/members`, body };
    }
    case 'key create': {
      const body = { sites: parseSites(flags.site), scope: parseScope(flags.scope), expires_in_days: parseExpiry(flags.expires ?? '90d') };
      if (flags.name) body.name = flags.name;
      if (flags['rate-limit']) body.rate_limit = Number(flags['rate-limit']);
      return { command: key, method: 'POST', path: '/api/v1/keys', body };
    }
    case 'key list':
      return { command: key, method: 'GET', path: `/api/v1/keys${flags.site ? `?site=${encodeURIComponent(flags.site)}` : ''}` };
    case 'key revoke':
      return { command: key, method: 'DELETE', path: `/api/v1/keys/${encodeURIComponent(need(rest[0], '<key id>'))}` };
    default:
      throw new UsageError(noun ? `unknown command "${key}"` : 'no command given');
  }
}
