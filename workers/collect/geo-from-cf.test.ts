import { describe, expect, it } from 'vitest';
import { geoFromCf } from './geo-from-cf';

const cf = (props: Record<string, unknown>) => props as unknown as IncomingRequestCfProperties;

describe('geoFromCf', () => {
  it('reads country, ISO 3166-2 region and city', () => {
    expect(geoFromCf(cf({ country: 'US', regionCode: 'CA', region: 'California', city: 'San Francisco' }))).toEqual({
      country: 'US',
      region: 'US-CA',
      city: 'San Francisco',
    });
    expect(geoFromCf(cf({ country: 'GB', regionCode: 'ENG', city: 'London' }))).toEqual({ country: 'GB', region: 'GB-ENG', city: 'London' });
    expect(geoFromCf(cf({ country: 'FR', regionCode: '75', city: 'Paris' }))).toEqual({ country: 'FR', region: 'FR-75', city: 'Paris' });
  });

  it('reads the values miniflare falls back to locally', () => {
    expect(geoFromCf(cf({ country: 'US', regionCode: 'TX', region: 'Texas', city: 'Austin', colo: 'DFW' }))).toEqual({
      country: 'US',
      region: 'US-TX',
      city: 'Austin',
    });
  });

  it('gives nulls when request.cf is absent', () => {
    expect(geoFromCf(undefined)).toEqual({ country: null, region: null, city: null });
    expect(geoFromCf(null)).toEqual({ country: null, region: null, city: null });
    expect(geoFromCf(cf({}))).toEqual({ country: null, region: null, city: null });
  });

  it('treats Cloudflare unknown (XX) and Tor (T1) as no country, and drops region and city with it', () => {
    expect(geoFromCf(cf({ country: 'XX', regionCode: 'CA', city: 'Somewhere' }))).toEqual({ country: null, region: null, city: null });
    expect(geoFromCf(cf({ country: 'T1', city: 'Somewhere' }))).toEqual({ country: null, region: null, city: null });
  });

  it('ignores placeholders and values of the wrong shape', () => {
    expect(geoFromCf(cf({ country: '', regionCode: '', city: '' }))).toEqual({ country: null, region: null, city: null });
    expect(geoFromCf(cf({ country: 'USA', city: 'Austin' }))).toEqual({ country: null, region: null, city: null });
    expect(geoFromCf(cf({ country: 42 }))).toEqual({ country: null, region: null, city: null });
    expect(geoFromCf(cf({ country: 'de', regionCode: 'by', city: '  München ' }))).toEqual({ country: 'DE', region: 'DE-BY', city: 'München' });
    expect(geoFromCf(cf({ country: 'DE', regionCode: 'Bavaria', city: null }))).toEqual({ country: 'DE', region: null, city: null });
  });
});
