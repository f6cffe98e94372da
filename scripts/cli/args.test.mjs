import { describe, expect, it } from 'vitest';
import { parseArgs, parseExpiry, parseScope, planCommand, UsageError } from './args.mjs';

const plan = (argv) => {
  const { positionals, flags } = parseArgs(argv);
  return planCommand(positionals, flags);
};

describe('pulse CLI arguments', () => {
  it('site add with a time zone', () => {
    expect(plan(['site', 'add', 'example.com', '--timezone', 'Europe/Berlin'])).toEqual({
      command: 'site add', method: 'POST', path: '/api/v1/sites', body: { domain: 'example.com', timezone: 'Europe/Berlin' },
    });
  });

  it('user add defaults to viewer and needs --site', () => {
    expect(plan(['user', 'add', 'a@b.c', '--site=example.com'])).toMatchObject({ path: '/api/v1/sites/example.com/members', body: { email: 'a@b.c', role: 'viewer' } });
    expect(() => plan(['user', 'add', 'a@b.c'])).toThrow('--site');
    expect(() => plan(['user', 'add', 'a@b.c', '--site', 'x.com', '--role', 'god'])).toThrow(UsageError);
  });

  it('key create turns scopes and expiry into the API body', () => {
    expect(plan(['key', 'create', '--site', 'a.com,b.com', '--scope', 'stats:read,events:write', '--expires', '12w'])).toMatchObject({
      path: '/api/v1/keys', body: { sites: ['a.com', 'b.com'], scope: 'stats:read events:write', expires_in_days: 84 },
    });
    expect(plan(['key', 'create', '--site', 'a.com', '--scope', 'stats:read']).body.expires_in_days).toBe(90);
  });

  it('rejects bad input with a UsageError', () => {
    expect(() => parseScope('stats:write')).toThrow('unknown scope');
    expect(() => parseExpiry('forever')).toThrow(UsageError);
    expect(() => parseExpiry('3y')).toThrow('2 years');
    expect(parseExpiry('1y')).toBe(365);
    expect(() => parseArgs(['--bogus'])).toThrow(new UsageError('unknown option --bogus'));
    expect(() => parseArgs(['key', 'list', '-x'])).toThrow(new UsageError('unknown option -x'));
    expect(() => parseArgs(['--site'])).toThrow(new UsageError('--site needs a value'));
    expect(() => parseArgs(['key', 'create', '--site', '--scope', 'stats:read'])).toThrow(new UsageError('--site needs a value'));
    expect(() => parseArgs(['site', 'list', '--json=yes'])).toThrow(new UsageError('--json takes no value'));
    expect(() => parseArgs(['--bogus'])).toThrow(UsageError);
    expect(() => plan(['site', 'rename'])).toThrow('unknown command');
    expect(() => plan(['key', 'revoke'])).toThrow('<key id>');
  });

  it('site move names the target binding and steps until done; site add may choose a database', () => {
    expect(plan(['site', 'move', 'example.com', '--to', 'db_2'])).toEqual({
      command: 'site move', method: 'POST', path: '/api/v1/sites/example.com/move', body: { to: 'DB_2' },
      step: { method: 'POST', path: '/api/v1/sites/example.com/move/step' },
    });
    expect(() => plan(['site', 'move', 'example.com'])).toThrow('--to');
    expect(plan(['site', 'move', 'example.com', '--abort'])).toEqual({ command: 'site move --abort', method: 'DELETE', path: '/api/v1/sites/example.com/move' });
    expect(() => plan(['site', 'move', 'example.com', '--to', 'primary'])).toThrow('D1 binding');
    expect(plan(['site', 'add', 'a.com', '--database', 'DB_3']).body).toEqual({ domain: 'a.com', database: 'DB_3' });
  });

  it('--remote and --token are global', () => {
    expect(parseArgs(['key', 'list', '--remote', 'https://p.example', '--token', 't']).flags).toEqual({ remote: 'https://p.example', token: 't' });
  });

  it('takes --flag=value, switches, -h, and -- before positionals that start with a dash', () => {
    expect(parseArgs(['site', 'add', 'a.com', '--public', '--retention-days=30', '--name=a=b', '--json'])).toEqual({
      positionals: ['site', 'add', 'a.com'], flags: { public: true, 'retention-days': '30', name: 'a=b', json: true },
    });
    expect(plan(['site', 'add', 'a.com', '--public', '--retention-days=30'])).toMatchObject({ body: { domain: 'a.com', public: true, retention_days: 30 } });
    expect(parseArgs(['-h']).flags).toEqual({ help: true });
    expect(parseArgs(['--help', 'key']).flags).toEqual({ help: true });
    expect(parseArgs(['key', 'revoke', '--', '--odd-id'])).toEqual({ positionals: ['key', 'revoke', '--odd-id'], flags: {} });
    expect(parseArgs(['key', 'create', '--name', 'a', '--name', 'b']).flags.name).toBe('b');
    expect(parseArgs(['key', 'create', '--rate-limit=-1']).flags['rate-limit']).toBe('-1');
  });
});
