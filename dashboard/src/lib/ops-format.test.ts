import { describe, expect, it } from 'vitest';
import { formatAge, formatBytes, formatCount, percentOf } from './ops-format';

describe('the Operations page\'s numbers', () => {
  it('writes ages from seconds', () => {
    expect([formatAge(null), formatAge(0), formatAge(59.4), formatAge(60), formatAge(250), formatAge(3600), formatAge(3 * 3600 + 7 * 60 + 5), formatAge(50 * 3600)])
      .toEqual(['—', '0 s', '59 s', '1 min', '4 min 10 s', '1 h', '3 h 7 min', '2 d 2 h']);
  });

  it('writes sizes in decimal units, as D1 counts its 10 GB', () => {
    expect([formatBytes(null), formatBytes(999), formatBytes(1000), formatBytes(1_234_567), formatBytes(123_456_789), formatBytes(10_000_000_000)])
      .toEqual(['—', '999 bytes', '1 kB', '1.2 MB', '123 MB', '10 GB']);
  });

  it('shares of a limit with two decimals, capped at 100', () => {
    // 1,234,567 of 10,000,000,000 = 0.0123 % → 0.01; 2.5 GB = 25 %
    expect([percentOf(1_234_567, 10_000_000_000), percentOf(2_500_000_000, 10_000_000_000), percentOf(12e9, 10e9), percentOf(null, 1), percentOf(1, 0)])
      .toEqual([0.01, 25, 100, null, null]);
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});
