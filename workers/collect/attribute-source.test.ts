import { describe, expect, it } from 'vitest';
import { attributeSource, findSourceByHost, type AttributionInput } from './attribute-source';
import type { Utm } from './normalize-url';

const NO_UTM: Utm = { source: null, medium: null, campaign: null, content: null, term: null };

function attr(input: Partial<Omit<AttributionInput, 'utm'>> & { utm?: Partial<Utm> }) {
  return attributeSource({
    referrerHost: input.referrerHost ?? null,
    referrerUrl: input.referrerUrl ?? (input.referrerHost ? `${input.referrerHost}/path` : null),
    utm: { ...NO_UTM, ...input.utm },
    sourceParam: input.sourceParam ?? null,
    clickId: input.clickId ?? null,
  });
}

const fromHost = (referrerHost: string) => attr({ referrerHost });
const tagged = (utm: Partial<Utm>, referrerHost?: string) => attr({ utm, referrerHost });

describe('source', () => {
  it('is Direct / None without a referrer or a tag', () => {
    expect(attr({})).toEqual({
      referrer: null,
      source: 'Direct / None',
      channel: 'Direct',
      utmSource: null,
      utmMedium: null,
      utmCampaign: null,
      utmContent: null,
      utmTerm: null,
    });
  });

  it('names well-known referrer hosts, including country domains and subdomains', () => {
    const cases: [string, string][] = [
      ['google.com', 'Google'],
      ['google.co.uk', 'Google'],
      ['google.com.br', 'Google'],
      ['google.de', 'Google'],
      ['news.google.com', 'Google'],
      ['mail.google.com', 'Gmail'],
      ['gemini.google.com', 'Gemini'],
      ['bing.com', 'Bing'],
      ['cn.bing.com', 'Bing'],
      ['duckduckgo.com', 'DuckDuckGo'],
      ['search.yahoo.com', 'Yahoo!'],
      ['yahoo.co.jp', 'Yahoo!'],
      ['mail.yahoo.com', 'Yahoo! Mail'],
      ['yandex.ru', 'Yandex'],
      ['yandex.com.tr', 'Yandex'],
      ['baidu.com', 'Baidu'],
      ['ecosia.org', 'Ecosia'],
      ['search.brave.com', 'Brave'],
      ['qwant.com', 'Qwant'],
      ['startpage.com', 'Startpage'],
      ['search.naver.com', 'Naver'],
      ['t.co', 'Twitter'],
      ['x.com', 'Twitter'],
      ['twitter.com', 'Twitter'],
      ['l.facebook.com', 'Facebook'],
      ['m.facebook.com', 'Facebook'],
      ['fb.com', 'Facebook'],
      ['l.instagram.com', 'Instagram'],
      ['lnkd.in', 'LinkedIn'],
      ['linkedin.com', 'LinkedIn'],
      ['old.reddit.com', 'Reddit'],
      ['news.ycombinator.com', 'Hacker News'],
      ['github.com', 'GitHub'],
      ['mastodon.social', 'Mastodon'],
      ['m.youtube.com', 'YouTube'],
      ['youtu.be', 'YouTube'],
      ['pinterest.co.uk', 'Pinterest'],
      ['br.pinterest.com', 'Pinterest'],
      ['tiktok.com', 'TikTok'],
      ['outlook.live.com', 'Outlook.com'],
      ['chatgpt.com', 'ChatGPT'],
      ['perplexity.ai', 'Perplexity'],
      ['en.m.wikipedia.org', 'Wikipedia'],
      ['android-app://com.google.android.gm', 'Gmail'],
      ['android-app://com.google.android.googlequicksearchbox', 'Google'],
    ];
    for (const [host, name] of cases) expect([host, fromHost(host).source]).toEqual([host, name]);
  });

  it('keeps an unknown referrer host as the source', () => {
    expect(fromHost('markosaric.com')).toMatchObject({ source: 'markosaric.com', referrer: 'markosaric.com/path', channel: 'Referral' });
  });

  it('does not mistake look-alike hosts for known ones', () => {
    expect(findSourceByHost('google.evil.com')).toBeNull();
    expect(findSourceByHost('notgoogle.com')).toBeNull();
    expect(findSourceByHost('evil-t.co')).toBeNull();
    expect(fromHost('google.evil.com').source).toBe('google.evil.com');
  });

  it('lets utm_source override the referrer, mapped case-insensitively to known names', () => {
    expect(tagged({ source: 'google' }).source).toBe('Google');
    expect(tagged({ source: 'GOOGLE' }).source).toBe('Google');
    expect(tagged({ source: 'fb' }, 'l.facebook.com').source).toBe('Facebook');
    expect(tagged({ source: 'ig' }).source).toBe('Instagram');
    expect(tagged({ source: 'chatgpt.com' }).source).toBe('ChatGPT');
    expect(tagged({ source: 'Hacker News' }).source).toBe('Hacker News');
    expect(tagged({ source: 'adwords' }).source).toBe('Google');
    expect(tagged({ source: 'My Newsletter' }, 'google.com').source).toBe('My Newsletter');
  });

  it('falls back to the source / ref parameter when utm_source is absent', () => {
    expect(attr({ sourceParam: 'producthunt' }).source).toBe('Product Hunt');
    expect(attr({ sourceParam: 'partner-blog', referrerHost: 'bing.com' }).source).toBe('partner-blog');
    expect(attr({ sourceParam: 'x', utm: { source: 'reddit' } }).source).toBe('Reddit');
  });

  it('copies the UTM tags and the referrer URL through', () => {
    const result = attr({
      referrerHost: 'google.com',
      referrerUrl: 'google.com',
      utm: { source: 'google', medium: 'cpc', campaign: 'Spring', content: 'ad-1', term: 'shoes' },
    });
    expect(result).toEqual({
      referrer: 'google.com',
      source: 'Google',
      channel: 'Paid Search',
      utmSource: 'google',
      utmMedium: 'cpc',
      utmCampaign: 'Spring',
      utmContent: 'ad-1',
      utmTerm: 'shoes',
    });
  });
});

describe('channel', () => {
  const channel = (input: Parameters<typeof attr>[0]) => attr(input).channel;

  it('Direct and Referral', () => {
    expect(channel({})).toBe('Direct');
    expect(channel({ referrerHost: 'example.org' })).toBe('Referral');
    expect(channel({ referrerHost: 'en.wikipedia.org' })).toBe('Referral');
    expect(channel({ utm: { medium: 'referral' } })).toBe('Referral');
    expect(channel({ utm: { medium: 'link' } })).toBe('Referral');
    expect(channel({ utm: { source: 'partner' } })).toBe('Referral');
  });

  it('Organic and Paid Search', () => {
    expect(channel({ referrerHost: 'google.com' })).toBe('Organic Search');
    expect(channel({ referrerHost: 'duckduckgo.com' })).toBe('Organic Search');
    for (const medium of ['cpc', 'ppc', 'paidsearch', 'paid', 'retargeting', 'CPC', 'cpv']) {
      expect([medium, channel({ referrerHost: 'google.com', utm: { medium } })]).toEqual([medium, 'Paid Search']);
    }
    expect(channel({ referrerHost: 'google.com', clickId: 'gclid' })).toBe('Paid Search');
    expect(channel({ referrerHost: 'bing.com', clickId: 'msclkid' })).toBe('Paid Search');
    // A Google click id on a Bing visit proves nothing.
    expect(channel({ referrerHost: 'bing.com', clickId: 'gclid' })).toBe('Organic Search');
  });

  it('AI assistants count as search, as Plausible has it', () => {
    expect(channel({ referrerHost: 'chatgpt.com' })).toBe('Organic Search');
    expect(channel({ utm: { source: 'chatgpt.com' } })).toBe('Organic Search');
    expect(channel({ referrerHost: 'perplexity.ai' })).toBe('Organic Search');
  });

  it('Organic and Paid Social', () => {
    expect(channel({ referrerHost: 't.co' })).toBe('Organic Social');
    expect(channel({ referrerHost: 'news.ycombinator.com' })).toBe('Organic Social');
    expect(channel({ utm: { source: 'fb', medium: 'paid_social' } })).toBe('Paid Social');
    expect(channel({ utm: { source: 'unknown-network', medium: 'social' } })).toBe('Organic Social');
    expect(channel({ utm: { source: 'unknown-network', medium: 'Social Media' } })).toBe('Organic Social');
  });

  it('Organic and Paid Video', () => {
    expect(channel({ referrerHost: 'youtube.com' })).toBe('Organic Video');
    expect(channel({ utm: { source: 'youtube', medium: 'cpv' } })).toBe('Paid Video');
    expect(channel({ utm: { source: 'somewhere', medium: 'video-embed' } })).toBe('Organic Video');
  });

  it('Email', () => {
    expect(channel({ referrerHost: 'mail.google.com' })).toBe('Email');
    expect(channel({ utm: { source: 'newsletter' } })).toBe('Email');
    expect(channel({ utm: { source: 'acme', medium: 'E-Mail' } })).toBe('Email');
    expect(channel({ sourceParam: 'weekly-newsletter' })).toBe('Email');
  });

  it('Display, Paid Other, Affiliates, Audio, SMS, push, Cross-network', () => {
    expect(channel({ utm: { source: 'adnet', medium: 'banner' } })).toBe('Display');
    expect(channel({ utm: { source: 'adnet', medium: 'display' } })).toBe('Display');
    // cpm matches the paid pattern (.*cp.*) but Display comes first.
    expect(channel({ utm: { source: 'adnet', medium: 'cpm' } })).toBe('Display');
    expect(channel({ utm: { source: 'adnet', medium: 'cpc' } })).toBe('Paid Other');
    expect(channel({ utm: { source: 'partner', medium: 'affiliate' } })).toBe('Affiliates');
    expect(channel({ utm: { source: 'spotify', medium: 'audio' } })).toBe('Audio');
    expect(channel({ utm: { source: 'sms' } })).toBe('SMS');
    expect(channel({ utm: { source: 'twilio', medium: 'sms' } })).toBe('SMS');
    expect(channel({ utm: { source: 'app', medium: 'web-push' } })).toBe('Mobile Push Notifications');
    expect(channel({ utm: { source: 'app', medium: 'notification' } })).toBe('Mobile Push Notifications');
    expect(channel({ utm: { source: 'firebase' } })).toBe('Mobile Push Notifications');
    expect(channel({ referrerHost: 'google.com', utm: { medium: 'cpc', campaign: 'cross-network-q4' } })).toBe('Cross-network');
  });

  it('Organic and Paid Shopping', () => {
    expect(channel({ referrerHost: 'amazon.de' })).toBe('Organic Shopping');
    expect(channel({ utm: { source: 'ebay', medium: 'cpc' } })).toBe('Paid Shopping');
    expect(channel({ utm: { source: 'google', medium: 'cpc', campaign: 'summer-shopping' } })).toBe('Paid Shopping');
    // GA4's campaign pattern: "shop" at a word start or after an "e" (eshop), not inside "workshop".
    expect(channel({ utm: { source: 'partner', campaign: 'eshop-launch' } })).toBe('Organic Shopping');
    expect(channel({ utm: { source: 'partner', campaign: 'workshop-2026' } })).toBe('Referral');
  });
});
