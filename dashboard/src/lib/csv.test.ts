import { describe, expect, it } from 'vitest';
import { csvCell, exportName, toCsv } from './csv';

describe('CSV export', () => {
  it('quotes commas, quotes and newlines, and defuses formulas', () => {
    expect(csvCell('/a,b')).toBe('"/a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell(-1)).toBe('-1'); // numbers are numbers
    expect(csvCell(null)).toBe('');
  });

  it('writes a header and CRLF rows', () => {
    expect(toCsv(['Source', 'Visitors'], [['Google', 3], ['', 1]])).toBe('Source,Visitors\r\nGoogle,3\r\n,1\r\n');
  });

  it('names a file after the site, the report and the range', () => {
    expect(exportName('demo.pulse.local', 'Sources', '2026-11-25T00:00:00+00:00', '2026-12-01T23:59:59+00:00')).toBe('demo.pulse.local-sources-2026-11-25-2026-12-01.csv');
    expect(exportName('a.com', 'Entry pages', '2026-01-01', '2026-01-31', 'zip')).toBe('a.com-entry-pages-2026-01-01-2026-01-31.zip');
  });
});
