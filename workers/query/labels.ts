/** Display labels derived after grouping: country names from ISO codes (workerd has full ICU). */

let regionNames: Intl.DisplayNames | null = null;

export function dimensionLabel(dimension: string, value: string | number): string | number {
  if (dimension !== 'visit:country_name' || typeof value !== 'string' || !/^[A-Z]{2}$/.test(value)) return value;
  regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
  return regionNames.of(value) ?? value;
}

let codesByName: Map<string, string> | null = null;

/** ISO code of an English country name (filters on visit:country_name), or the input unchanged. */
export function countryCode(name: string): string {
  if (!codesByName) {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
    codesByName = new Map();
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const label = regionNames.of(code);
        // deprecated aliases (DD, UK) share a name with the current code: canonicalization skips them
        if (!label || label === code || Intl.getCanonicalLocales(`und-${code}`)[0] !== `und-${code}`) continue;
        codesByName.set(label.toLowerCase(), code);
      }
    }
  }
  return codesByName.get(name.toLowerCase()) ?? name;
}
