import UAParser from 'ua-parser-js';
import type { Device } from '../../contract/events';

// ua-parser-js 1.x (MIT; 2.x is AGPL). Labels follow Plausible's so dashboards, filters and API
// answers read the same: ua-parser's names on the left, what Pulse stores on the right. A browser
// or OS not listed keeps ua-parser's own name.
const BROWSERS: Record<string, string> = {
  'Mobile Safari': 'Safari',
  'Safari': 'Safari',
  'Chrome': 'Chrome',
  'Chrome Headless': 'Headless Chrome',
  'Chromium': 'Chromium',
  'Edge': 'Microsoft Edge',
  'Firefox': 'Firefox',
  'Mobile Firefox': 'Firefox',
  'Firefox Focus': 'Firefox Focus',
  'Opera': 'Opera',
  'Opera Mini': 'Opera Mini',
  'Opera Mobi': 'Opera',
  'Opera Touch': 'Opera',
  'Opera GX': 'Opera GX',
  'Samsung Internet': 'Samsung Browser',
  'Yandex': 'Yandex Browser',
  'UCBrowser': 'UC Browser',
  'DuckDuckGo': 'DuckDuckGo Privacy Browser',
  'IE': 'Internet Explorer',
  'IEMobile': 'Internet Explorer',
  'Silk': 'Amazon Silk',
  'Huawei Browser': 'Huawei Browser',
  'MIUI Browser': 'MIUI Browser',
  'Whale': 'Naver Whale',
  'Vivaldi': 'Vivaldi',
  'Brave': 'Brave',
};

// Webviews and the browsers inside apps (Instagram, Facebook, TikTok, …) are one "Mobile App"
// row without a version, as in Plausible: the app's version says nothing about the browser.
const MOBILE_APP = 'Mobile App';
const IN_APP = new Set([
  'chrome webview', 'facebook', 'instagram', 'tiktok', 'snapchat', 'twitter', 'linkedin', 'wechat',
  'line', 'kakaotalk', 'kakaostory', 'naver', 'daum', 'alipay', 'klarna', 'gsa',
]);

function browserName(name: string | undefined): string {
  if (!name) return NOT_SET;
  if (IN_APP.has(name.toLowerCase())) return MOBILE_APP;
  return BROWSERS[name] ?? name;
}

const OSES: Record<string, string> = {
  'Mac OS': 'Mac',
  'macOS': 'Mac',
  'iOS': 'iOS',
  'Android': 'Android',
  'Windows': 'Windows',
  'Linux': 'GNU/Linux',
  'Chromium OS': 'Chrome OS',
  'Windows Phone': 'Windows Phone',
  'HarmonyOS': 'HarmonyOS',
};

const NOT_SET = '(not set)';

export function parseDevice(ua: string | null | undefined): Device {
  const text = (ua ?? '').trim();
  if (text === '') {
    return { device: NOT_SET, browser: NOT_SET, browserVersion: NOT_SET, os: NOT_SET, osVersion: NOT_SET };
  }
  const result = new UAParser(text).getResult();
  const browser = browserName(result.browser.name);
  const os = result.os.name ? (OSES[result.os.name] ?? result.os.name) : NOT_SET;
  return {
    device: deviceType(result.device.type, os, text),
    browser,
    // Major only ("120"; Plausible stores major.minor, "120.0"): the minor numbers of evergreen
    // browsers split one version into many rows without telling anyone anything.
    browserVersion: browser === NOT_SET || browser === MOBILE_APP ? NOT_SET : majorVersion(result.browser.version),
    os,
    osVersion: os === NOT_SET ? NOT_SET : osVersion(os, result.os.version),
  };
}

function deviceType(type: string | undefined, os: string, ua: string): string {
  switch (type) {
    case 'mobile':
    case 'wearable':
      return 'Mobile';
    case 'tablet':
      return 'Tablet';
  }
  // Android's own rule: a phone's browser says "Mobile", a tablet's does not. ua-parser only
  // knows the tablet models it has a pattern for.
  if (type === undefined && os === 'Android') return /\bMobile\b/.test(ua) ? 'Mobile' : 'Tablet';
  // Desktops, and also TVs and consoles: none of them is a phone or a tablet. iPadOS 13+ Safari
  // sends the Mac user agent, so those iPads land here too; only the tracker's screen size could tell.
  return 'Desktop';
}

function majorVersion(version: string | undefined): string {
  const major = version?.match(/^\d+/)?.[0];
  return major ?? NOT_SET;
}

// Major.minor where the minor is a real release (iOS 17.4, macOS 10.15, Android 8.1); build
// numbers after that are noise. Chrome OS versions are build numbers, so major only. Windows
// names (`10`, `8.1`, `XP`, `Vista`) are kept as ua-parser gives them; Windows 11 sends the same
// user agent as 10 and only client hints could tell them apart.
function osVersion(os: string, version: string | undefined): string {
  if (!version) return NOT_SET;
  if (os === 'Windows') return version;
  const parts = version.split(/[._]/).filter((p) => /^\d+$/.test(p));
  if (parts.length === 0) return NOT_SET;
  if (os === 'Chrome OS' || parts.length === 1) return parts[0]!;
  return `${parts[0]}.${parts[1]}`;
}
