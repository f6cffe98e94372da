/** Human-readable output of the CLI; `key create` ends with the token alone on its last line. */

const table = (rows, columns) => {
  if (rows.length === 0) return '(none)';
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells) => cells.map((cell, i) => String(cell ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns), ...rows.map((r) => line(columns.map((c) => r[c])))].join('\n');
};

export function printResult(plan, body) {
  switch (plan.command) {
    case 'site add':
      console.log(`Created site ${body.id} (time zone ${body.timezone}, retention ${body.retention_days} days).`);
      console.log(`Tracker: <script defer data-domain="${body.id}" src="${plan.base}/js/pulse.js"></script>`);
      return;
    case 'site move': {
      const m = body.move;
      const tables = Object.entries(m.tables ?? {}).filter(([, t]) => t.rows !== undefined);
      console.log(`Moved ${body.site} from ${m.from} to ${m.to}: ${tables.length} tables verified, ${m.rows_deleted} rows deleted from ${m.from} (D1 rows read ${m.rows_read}, written ${m.rows_written}).`);
      if (tables.length) console.log(table(tables.map(([name, t]) => ({ table: name, rows: t.rows, checksum: t.checksum, repaired: t.repaired })), ['table', 'rows', 'checksum', 'repaired']));
      return;
    }
    case 'site move --abort':
      console.log(`Aborted the move of ${body.site} to ${body.move.to}: it stays in ${body.move.from}.`);
      return;
    case 'site list':
      console.log(table(body.sites.map((s) => ({ ...s, public: s.public ? 'yes' : 'no' })), ['id', 'timezone', 'retention_days', 'public', 'role']));
      return;
    case 'user add':
      console.log(`${body.email} is ${body.role} of ${plan.path.split('/')[4] ? decodeURIComponent(plan.path.split('/')[4]) : 'the site'}.`);
      if (body.password) console.log(`Generated password (shown once): ${body.password}`);
      return;
    case 'key create':
      console.log(`Created key ${body.id} for ${body.sites.join(', ')} with scope "${body.scope}", ${body.rate_limit} requests/hour, expires ${body.expires_at}.`);
      console.log('The key is shown only now. Use it as: Authorization: Bearer <key>');
      console.log(body.token);
      return;
    case 'key list':
      console.log(table(body.keys.map((k) => ({ ...k, sites: k.sites.join(','), status: k.revoked_at ? 'revoked' : Date.parse(k.expires_at) < Date.now() ? 'expired' : 'active' })), ['id', 'name', 'sites', 'scope', 'status', 'expires_at']));
      return;
    case 'key revoke':
      console.log(`Revoked key ${body.id}; it stops working within seconds.`);
      return;
    default:
      console.log(JSON.stringify(body, null, 2));
  }
}
