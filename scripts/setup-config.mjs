/**
 * Pure helpers for `npm run setup`: reading resource ids from wrangler's output and writing them
 * into wrangler.toml without disturbing the rest of the file (comments, order, formatting).
 */

/** The `database_id` that `wrangler d1 create` / `wrangler d1 info` printed, or null. */
export function parseD1Id(output) {
  return (
    /database_id\s*=\s*"([0-9a-f-]{36})"/i.exec(output)?.[1] ??
    /"(?:uuid|database_id)"\s*:\s*"([0-9a-f-]{36})"/i.exec(output)?.[1] ??
    /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/i.exec(output)?.[1] ??
    null
  );
}

/** wrangler.toml with the D1 binding `database_name`'s id replaced by `id`. */
export function withD1Id(toml, databaseName, id) {
  const block = new RegExp(`(\\[\\[d1_databases\\]\\][^\\[]*?database_name\\s*=\\s*"${databaseName}"[^\\[]*?database_id\\s*=\\s*")[^"]*(")`);
  if (!block.test(toml)) throw new Error(`wrangler.toml has no [[d1_databases]] entry named ${databaseName}`);
  return toml.replace(block, `$1${id}$2`);
}

/** True when wrangler's error output only says the resource is already there. */
export function alreadyExists(output) {
  return /already exists|already taken|already own/i.test(output);
}

/**
 * Every `[[d1_databases]]` block of wrangler.toml, in file order: its binding and database name.
 * `DB` is the primary; `DB_2`, `DB_3`, … hold more sites (README "Several D1 databases").
 */
export function d1Databases(toml) {
  return [...toml.matchAll(/\[\[d1_databases\]\]([^[]*)/g)].map(([, block]) => ({
    binding: /^\s*binding\s*=\s*"([^"]+)"/m.exec(block)?.[1] ?? null,
    name: /^\s*database_name\s*=\s*"([^"]+)"/m.exec(block)?.[1] ?? null,
  })).filter((d) => d.binding && d.name);
}
