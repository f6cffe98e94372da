/** CSV for exports (RFC 4180), written as a stream so large breakdowns never sit in one string. */

const ROWS_PER_CHUNK = 500;

/**
 * One CSV field. Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR)
 * get a leading apostrophe: page paths and UTM values come from the public internet.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsvStream(header: string[], rows: { dimensions: unknown[]; metrics: unknown[] }[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(`${header.map(csvField).join(',')}\r\n`));
        return;
      }
      if (next >= rows.length) {
        controller.close();
        return;
      }
      const chunk = rows.slice(next, next + ROWS_PER_CHUNK);
      next += chunk.length;
      controller.enqueue(encoder.encode(chunk.map((r) => `${[...r.dimensions, ...r.metrics].map(csvField).join(',')}\r\n`).join('')));
    },
  });
}
