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
    expect(() => parseArgs(['--bogus'])).toThrow('unknown option');
    expect(() => parseArgs(['--site'])).toThrow('needs a value');
    expect(() => plan(['site', 'rename'])).toThrow('unknown command');
    expect(() => plan(['key', 'revoke'])).toThrow('<key id>');
  });

  it('--remote and --token are global', () => {
    expect(parseArgs(['key', 'list', '--remote', 'https://p.example', '--token', 't']).flags).toEqual({ remote: 'https://p.example', token: 't' });
  });
});
