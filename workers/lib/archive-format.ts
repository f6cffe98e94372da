/**
 * Encoding and decoding the R2 archive's objects, both formats (contract/archive.ts): Parquet
 * (contract/archive-columns.ts), written today, and the gzipped NDJSON written before, which
 * every reader (the erasure job, tests) must keep reading. hyparquet and hyparquet-writer are
 * pure JS (no Node built-ins), so they run in workerd; SNAPPY is built into both, so objects are
 * SNAPPY-compressed without a WASM module or CompressionStream.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { StoredEvent } from '../../contract/events';
import { ARCHIVE_COLUMNS, type ArchiveColumn } from '../../contract/archive-columns';
import { archiveFormatOf } from '../../contract/archive';

type ParquetRow = Record<string, unknown>;

/** One row group per object: objects hold one consumer call's events, so a few thousand rows. */
const ROW_GROUP = 1_000_000;

function cell(event: StoredEvent, column: ArchiveColumn): unknown {
  switch (column.field) {
    case 'props':
      return JSON.stringify(event.props ?? {});
    case 'revenueAmount':
      return event.revenue?.amount ?? null;
    case 'revenueCurrency':
      return event.revenue?.currency ?? null;
    default: {
      const value = event[column.field] ?? null;
      return column.type === 'INT64' && value !== null ? BigInt(value as number) : value;
    }
  }
}

/** A Parquet file of the events, one row each (site and day are in its key, not in the file). */
export function encodeParquet(events: StoredEvent[]): ArrayBuffer {
  return parquetWriteBuffer({
    columnData: ARCHIVE_COLUMNS.map((column) => ({ name: column.name, type: column.type, nullable: column.nullable, data: events.map((e) => cell(e, column)) })),
    codec: 'SNAPPY',
    rowGroupSize: ROW_GROUP,
    createdBy: 'pulse archive v1',
  });
}

const asNumber = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : (v as number));

/** The events of a Parquet archive object of `site`, as StoredEvents again. */
export async function decodeParquet(bytes: ArrayBuffer, site: string): Promise<StoredEvent[]> {
  const rows = await parquetReadObjects({ file: bytes });
  return rows.map((row) => {
    const event: Record<string, unknown> = { site };
    for (const column of ARCHIVE_COLUMNS) {
      const value = row[column.name] ?? null;
      event[column.field] = column.type === 'INT64' || column.type === 'TIMESTAMP' || column.type === 'INT32' ? asNumber(value) : value;
    }
    event.props = JSON.parse((event.props as string | null) ?? '{}');
    event.revenue = event.revenueAmount === null ? null : { amount: event.revenueAmount, currency: event.revenueCurrency };
    delete event.revenueAmount;
    delete event.revenueCurrency;
    return event as unknown as StoredEvent;
  });
}

/**
 * The file again without the rows `drop` picks, in the file's own schema (read from it, not from
 * ARCHIVE_COLUMNS), so a rewrite never loses a column a newer writer added. Null when no row went.
 */
export async function rewriteParquetWithout(bytes: ArrayBuffer, drop: (row: ParquetRow) => boolean): Promise<{ bytes: ArrayBuffer | null; removed: number; kept: number }> {
  const metadata = parquetMetadata(bytes);
  const rows = await parquetReadObjects({ file: bytes, metadata });
  const kept = rows.filter((row) => !drop(row));
  const removed = rows.length - kept.length;
  if (removed === 0) return { bytes: null, removed, kept: kept.length };
  const columns = parquetSchema(metadata).children.map((child) => child.element);
  const out = parquetWriteBuffer({
    schema: metadata.schema,
    columnData: columns.map((element) => ({ name: element.name, data: kept.map((row) => row[element.name] ?? null) })),
    codec: 'SNAPPY',
    rowGroupSize: ROW_GROUP,
    kvMetadata: metadata.key_value_metadata,
    createdBy: 'pulse archive v1',
  });
  return { bytes: out, removed, kept: kept.length };
}

export async function gzipText(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function gunzipText(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

/** The events of an archive object of either format (a legacy NDJSON line that does not parse is skipped). */
export async function decodeArchiveObject(key: string, bytes: ArrayBuffer, site: string): Promise<StoredEvent[]> {
  const format = archiveFormatOf(key);
  if (format === 'parquet') return decodeParquet(bytes, site);
  if (format !== 'ndjson') return [];
  const events: StoredEvent[] = [];
  for (const line of (await gunzipText(bytes)).split('\n')) {
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as StoredEvent);
    } catch {
      // an unreadable line is not an event; erasure keeps such lines (workers/cron/erasures.ts)
    }
  }
  return events;
}
