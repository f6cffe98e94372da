import { describe, expect, it } from 'vitest';
import { geoFromCf } from './geo-from-cf';

const cf = (props: Record<string, unknown>) => props as unknown as IncomingRequestCfProperties;
const NONE = { country: null, region: null, regionName: null, city: null };

describe('geoFromCf', () => {
  it('reads country, ISO 3166-2 region, region name and city', () => {
    expect(geoFromCf(cf({ country: 'US', regionCode: 'CA', region: 'California', city: 'San Francisco' }))).toEqual({
      country: 'US',
      region: 'US-CA',
      regionName: 'California',
      city: 'San Francisco',
    });
    expect(geoFromCf(cf({ country: 'GB', regionCode: 'ENG', region: 'England', city: 'London' }))).toEqual({
      country: 'GB',
      region: 'GB-ENG',
      regionName: 'England',
      city: 'London',
    });
    expect(geoFromCf(cf({ country: 'FR', regionCode: '75', city: 'Paris' }))).toEqual({ country: 'FR', region: 'FR-75', regionName: null, city: 'Paris' });
  });

  it('reads the values miniflare falls back to locally', () => {
    expect(geoFromCf(cf({ country: 'US', regionCode: 'TX', region: 'Texas', city: 'Austin', colo: 'DFW' }))).toEqual({
      country: 'US',
      region: 'US-TX',
      regionName: 'Texas',
      city: 'Austin',
    });
  });

  it('gives nulls when request.cf is absent', () => {
    expect(geoFromCf(undefined)).toEqual(NONE);
    expect(geoFromCf(null)).toEqual(NONE);
    expect(geoFromCf(cf({}))).toEqual(NONE);
  });

  it('treats Cloudflare unknown (XX) and Tor (T1) as no country, and drops region, region name and city with it', () => {
    expect(geoFromCf(cf({ country: 'XX', regionCode: 'CA', region: 'California', city: 'Somewhere' }))).toEqual(NONE);
    expect(geoFromCf(cf({ country: 'T1', region: 'Somewhere', city: 'Somewhere' }))).toEqual(NONE);
  });

  it('ignores placeholders and values of the wrong shape', () => {
    expect(geoFromCf(cf({ country: '', regionCode: '', region: '', city: '' }))).toEqual(NONE);
    expect(geoFromCf(cf({ country: 'USA', regionCode: 'TX', region: 'Texas', city: 'Austin' }))).toEqual(NONE);
    expect(geoFromCf(cf({ country: 42 }))).toEqual(NONE);
    expect(geoFromCf(cf({ country: 'de', regionCode: 'by', region: ' Bavaria  ', city: '  München ' }))).toEqual({
      country: 'DE',
      region: 'DE-BY',
      regionName: 'Bavaria',
      city: 'München',
    });
    expect(geoFromCf(cf({ country: 'DE', regionCode: 'Bavaria', region: 'Bavaria', city: null }))).toEqual({
      country: 'DE',
      region: null,
      regionName: 'Bavaria',
      city: null,
    });
    expect(geoFromCf(cf({ country: 'US', regionCode: 'CA', region: '   ', city: 'San Jose' }))).toEqual({
      country: 'US',
      region: 'US-CA',
      regionName: null,
      city: 'San Jose',
    });
    expect(geoFromCf(cf({ country: 'US', regionCode: 'CA', region: 42 }))).toEqual({ country: 'US', region: 'US-CA', regionName: null, city: null });
  });
});
