/**
 * How dark a country is on the world map: 0 without visitors, else 0.15 for the fewest up to 1
 * for the most, on a square root (visitor counts are skewed: one big country would leave every
 * other one pale on a linear scale). Two decimals: it is a CSS fill-opacity.
 */
export function shade(visitors: number, max: number): number {
  if (visitors <= 0 || max <= 0) return 0;
  return Math.round((0.15 + 0.85 * Math.sqrt(Math.min(1, visitors / max))) * 100) / 100;
}
