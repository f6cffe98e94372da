import { describe, expect, it } from 'vitest';
import type { Device } from '../../contract/events';
import { parseDevice } from './parse-device';

// Real user agents as the browsers send them.
const CASES: [string, string, Device][] = [
  [
    'Chrome on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    { device: 'Desktop', browser: 'Chrome', browserVersion: '120', os: 'Windows', osVersion: '10' },
  ],
  [
    'Chrome on Windows 7',
    'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36',
    { device: 'Desktop', browser: 'Chrome', browserVersion: '109', os: 'Windows', osVersion: '7' },
  ],
  [
    'Edge on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
    { device: 'Desktop', browser: 'Microsoft Edge', browserVersion: '120', os: 'Windows', osVersion: '10' },
  ],
  [
    'Opera on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0',
    { device: 'Desktop', browser: 'Opera', browserVersion: '106', os: 'Windows', osVersion: '10' },
  ],
  [
    'Safari on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    { device: 'Desktop', browser: 'Safari', browserVersion: '17', os: 'Mac', osVersion: '10.15' },
  ],
  [
    'Firefox on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0',
    { device: 'Desktop', browser: 'Firefox', browserVersion: '125', os: 'Mac', osVersion: '14.4' },
  ],
  [
    'Firefox on Linux',
    'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
    { device: 'Desktop', browser: 'Firefox', browserVersion: '121', os: 'GNU/Linux', osVersion: '(not set)' },
  ],
  [
    'Firefox on Ubuntu',
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
    { device: 'Desktop', browser: 'Firefox', browserVersion: '121', os: 'Ubuntu', osVersion: '(not set)' },
  ],
  [
    'Chrome on a Chromebook',
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    { device: 'Desktop', browser: 'Chrome', browserVersion: '120', os: 'Chrome OS', osVersion: '14541' },
  ],
  [
    'Safari on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    { device: 'Mobile', browser: 'Safari', browserVersion: '17', os: 'iOS', osVersion: '17.4' },
  ],
  [
    'Chrome on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1',
    { device: 'Mobile', browser: 'Chrome', browserVersion: '120', os: 'iOS', osVersion: '17.2' },
  ],
  [
    'Firefox on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15',
    { device: 'Mobile', browser: 'Firefox', browserVersion: '121', os: 'iOS', osVersion: '17.2' },
  ],
  [
    'Safari on an iPad that still says iPad',
    'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
    { device: 'Tablet', browser: 'Safari', browserVersion: '16', os: 'iOS', osVersion: '16.6' },
  ],
  [
    'Chrome on an Android phone',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.105 Mobile Safari/537.36',
    { device: 'Mobile', browser: 'Chrome', browserVersion: '122', os: 'Android', osVersion: '14' },
  ],
  [
    'Chrome on Android with the reduced user agent',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
    { device: 'Mobile', browser: 'Chrome', browserVersion: '120', os: 'Android', osVersion: '10' },
  ],
  [
    'Chrome on a Galaxy Tab',
    'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36',
    { device: 'Tablet', browser: 'Chrome', browserVersion: '121', os: 'Android', osVersion: '13' },
  ],
  [
    'Chrome on an Android tablet ua-parser does not know',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    { device: 'Tablet', browser: 'Chrome', browserVersion: '120', os: 'Android', osVersion: '10' },
  ],
  [
    'Samsung Internet',
    'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
    { device: 'Mobile', browser: 'Samsung Browser', browserVersion: '24', os: 'Android', osVersion: '14' },
  ],
  [
    'Android WebView',
    'Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36',
    { device: 'Mobile', browser: 'Mobile App', browserVersion: '(not set)', os: 'Android', osVersion: '13' },
  ],
  [
    'Facebook in-app browser on Android',
    'Mozilla/5.0 (Linux; Android 14; SM-S911B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.210 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/447.0.0.34.109;]',
    { device: 'Mobile', browser: 'Mobile App', browserVersion: '(not set)', os: 'Android', osVersion: '14' },
  ],
  [
    'Firefox on Android 8.1',
    'Mozilla/5.0 (Android 8.1.0; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0',
    { device: 'Mobile', browser: 'Firefox', browserVersion: '121', os: 'Android', osVersion: '8.1' },
  ],
  [
    'Yandex Browser',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 YaBrowser/24.1.0.0 Safari/537.36',
    { device: 'Desktop', browser: 'Yandex Browser', browserVersion: '24', os: 'Windows', osVersion: '10' },
  ],
  [
    'DuckDuckGo on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 DuckDuckGo/7 Safari/605.1.15',
    { device: 'Mobile', browser: 'DuckDuckGo Privacy Browser', browserVersion: '7', os: 'iOS', osVersion: '17.2' },
  ],
  [
    'Instagram in-app browser',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 307.0.0.34.111',
    { device: 'Mobile', browser: 'Mobile App', browserVersion: '(not set)', os: 'iOS', osVersion: '17.1' },
  ],
  [
    'Edge on Xbox',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/48.0.2564.82 Safari/537.36 Edge/14.14393',
    { device: 'Desktop', browser: 'Microsoft Edge', browserVersion: '14', os: 'Xbox', osVersion: '(not set)' },
  ],
];

describe('parseDevice', () => {
  it.each(CASES)('%s', (_label, ua, expected) => {
    expect(parseDevice(ua)).toEqual(expected);
  });

  it('is all (not set) without a user agent', () => {
    const notSet = { device: '(not set)', browser: '(not set)', browserVersion: '(not set)', os: '(not set)', osVersion: '(not set)' };
    expect(parseDevice('')).toEqual(notSet);
    expect(parseDevice('   ')).toEqual(notSet);
    expect(parseDevice(null)).toEqual(notSet);
  });

  it('calls what it cannot place a Desktop with unknown browser and OS', () => {
    expect(parseDevice('SomeClient/1.0')).toEqual({
      device: 'Desktop',
      browser: '(not set)',
      browserVersion: '(not set)',
      os: '(not set)',
      osVersion: '(not set)',
    });
  });
});
