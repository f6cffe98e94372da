/** Display labels derived after grouping: country names from ISO codes (workerd has full ICU). */

let regionNames: Intl.DisplayNames | null = null;

export function dimensionLabel(dimension: string, value: string | number): string | number {
  if (dimension !== 'visit:country_name' || typeof value !== 'string' || !/^[A-Z]{2}$/.test(value)) return value;
  regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
  return regionNames.of(value) ?? value;
}
