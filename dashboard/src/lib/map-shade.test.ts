import { describe, expect, it } from 'vitest';
import { shade } from './map-shade';

describe('world map shade', () => {
  it('is 0 without visitors, 1 for the most, a square root between', () => {
    expect(shade(0, 100)).toBe(0);
    expect(shade(5, 0)).toBe(0);
    expect(shade(100, 100)).toBe(1);
    // 0.15 + 0.85 × √0.64 = 0.15 + 0.68
    expect(shade(64, 100)).toBe(0.83);
    // 0.15 + 0.85 × √0.04 = 0.15 + 0.17
    expect(shade(4, 100)).toBe(0.32);
  });
});
