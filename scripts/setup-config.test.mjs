import { describe, expect, it } from 'vitest';
import { alreadyExists, d1Databases, parseD1Id, withD1Id } from './setup-config.mjs';

const TOML = `name = "pulse"

[[d1_databases]]
binding = "DB"
database_name = "pulse"
database_id = "00000000-0000-0000-0000-000000000000" # written by \`npm run setup\`
migrations_dir = "migrations"

[[r2_buckets]]
binding = "ARCHIVE"
`;

describe('npm run setup helpers', () => {
  it('reads the database id from wrangler d1 create output (toml or json)', () => {
    const created = `✅ Successfully created DB 'pulse'\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "pulse"\ndatabase_id = "4b1f9c2e-8a7d-4c3b-9e21-0f6a5d4c3b2a"\n`;
    expect(parseD1Id(created)).toBe('4b1f9c2e-8a7d-4c3b-9e21-0f6a5d4c3b2a');
    expect(parseD1Id('{"uuid": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "name": "pulse"}')).toBe('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
    expect(parseD1Id('nothing here')).toBeNull();
  });

  it('writes the id into the right block and leaves the rest of the file alone', () => {
    const next = withD1Id(TOML, 'pulse', '4b1f9c2e-8a7d-4c3b-9e21-0f6a5d4c3b2a');
    expect(next).toBe(TOML.replace('00000000-0000-0000-0000-000000000000', '4b1f9c2e-8a7d-4c3b-9e21-0f6a5d4c3b2a'));
    expect(() => withD1Id(TOML, 'other', 'x')).toThrow('no [[d1_databases]] entry named other');
  });

  it('lists every D1 database of wrangler.toml, and writes each one\'s id into its own block', () => {
    const three = `${TOML}
[[d1_databases]]
binding = "DB_2"
database_name = "pulse-2"
database_id = "00000000-0000-0000-0000-000000000002"
migrations_dir = "migrations"

[[d1_databases]]
binding = "DB_3"
database_name = "pulse-3"
database_id = "00000000-0000-0000-0000-000000000003"
`;
    expect(d1Databases(three)).toEqual([
      { binding: 'DB', name: 'pulse' }, { binding: 'DB_2', name: 'pulse-2' }, { binding: 'DB_3', name: 'pulse-3' },
    ]);
    const next = withD1Id(three, 'pulse-2', '4b1f9c2e-8a7d-4c3b-9e21-0f6a5d4c3b2a');
    expect(next).toBe(three.replace('00000000-0000-0000-0000-000000000002', '4b1f9c2e-8a7d-4c3b-9e21-0f6a5d4c3b2a'));
    // `pulse` is a prefix of `pulse-2`: the primary's block alone changes
    expect(withD1Id(three, 'pulse', '11111111-2222-3333-4444-555555555555')).toBe(three.replace('00000000-0000-0000-0000-000000000000', '11111111-2222-3333-4444-555555555555'));
  });

  it('recognises "already exists" answers so a second run reuses resources', () => {
    expect(alreadyExists('A bucket with this name already exists and you already own it')).toBe(true);
    expect(alreadyExists('Queue name already taken')).toBe(true);
    expect(alreadyExists('Authentication error')).toBe(false);
  });
});
