// Source and channel of a visit (DESIGN §5), following Plausible's Source and Acquisition modules.
//
// Source:
//   1. utm_source, else the `source` / `ref` query parameter: mapped case-insensitively to a known
//      name (`google` → Google, `fb` → Facebook, `chatgpt.com` → ChatGPT), else kept as sent;
//   2. else the referrer host: mapped to a known name (google.co.uk → Google), else the host;
//   3. else `Direct / None`.
//
// Channel, GA4's default channel grouping in Plausible's order; the first rule that holds wins.
// "paid medium" means utm_medium matches ^(.*cp.*|ppc|retargeting|paid.*)$; the category is the
// resolved source's (sources.ts), with `ai` counted as search as Plausible does.
//    1. Cross-network              utm_campaign contains "cross-network"
//    2. Paid Shopping              (shopping source or shopping campaign) and paid medium
//    3. Paid Search                search source and paid medium; Google + gclid; Bing + msclkid
//    4. Paid Social                social source and paid medium
//    5. Paid Video                 video source and paid medium
//    6. Display                    medium is display, banner, expandable, interstitial or cpm
//    7. Paid Other                 paid medium
//    8. Organic Shopping           shopping source or shopping campaign
//    9. Organic Social             social source, or medium social / social-network / social-media /
//                                  sm / social network / social media
//   10. Organic Video              video source, or medium contains "video"
//   11. Organic Search             search source
//   12. Email                      email source, or the tagged source or medium contains email /
//                                  e-mail / e_mail / e mail / newsletter
//   13. Affiliates                 medium is affiliate
//   14. Audio                      medium is audio
//   15. SMS                        tagged source or medium is sms
//   16. Mobile Push Notifications  medium ends with "push" or contains "mobile" / "notification",
//                                  or source is firebase
//   17. Referral                   medium is referral / app / link, or there is any source
//   18. Direct                     nothing of the above: no tag and no referrer
// Unlike Plausible, medium and campaign are compared case-insensitively (GA4 does too), so
// `utm_medium=CPC` is paid.
import type { Attribution } from '../../contract/events';
import type { Utm } from './normalize-url';
import { KNOWN_SOURCES, type KnownSource, type SourceCategory } from './sources';

export interface AttributionInput {
  referrerHost: string | null;
  referrerUrl: string | null;
  utm: Utm;
  sourceParam: string | null;
  clickId?: 'gclid' | 'msclkid' | null;
}

export const DIRECT_SOURCE = 'Direct / None';

const BY_HOST = new Map<string, KnownSource>();
const WILDCARD_BASES = new Map<string, KnownSource>();
const BY_NAME = new Map<string, KnownSource>();
for (const source of KNOWN_SOURCES) {
  for (const host of source.hosts) {
    if (host.endsWith('.*')) WILDCARD_BASES.set(host.slice(0, -2), source);
    else BY_HOST.set(host, source);
  }
  for (const key of [source.name, ...(source.aliases ?? [])]) BY_NAME.set(key.toLowerCase(), source);
}

// The country part of google.de, google.co.uk, google.com.br, yandex.com.tr.
const COUNTRY_SUFFIX = /^(?:(?:co|com|org|net|ac|gov|edu|ne|or)\.)?[a-z]{2,3}$/;

/** Looks a host up, most specific first: mail.google.com is Gmail before it is Google. */
export function findSourceByHost(host: string): KnownSource | null {
  let rest = host.toLowerCase().replace(/\.$/, '');
  if (rest.startsWith('www.')) rest = rest.slice(4);
  if (rest.startsWith('android-app://')) return BY_HOST.get(rest) ?? null;
  for (;;) {
    const exact = BY_HOST.get(rest);
    if (exact) return exact;
    const dot = rest.indexOf('.');
    if (dot < 0) return null;
    const wildcard = WILDCARD_BASES.get(rest.slice(0, dot));
    if (wildcard && COUNTRY_SUFFIX.test(rest.slice(dot + 1))) return wildcard;
    rest = rest.slice(dot + 1);
  }
}

/** Looks up a tagged source: a known name or alias, or a host written as the tag. */
export function findSourceByName(tag: string): KnownSource | null {
  const key = tag.trim().toLowerCase();
  return BY_NAME.get(key) ?? (key.includes('.') ? findSourceByHost(key) : null);
}

export function attributeSource(input: AttributionInput): Attribution {
  const { utm } = input;
  const tagged = utm.source ?? input.sourceParam;

  let source: string | null = null;
  let known: KnownSource | null = null;
  if (tagged) {
    known = findSourceByName(tagged);
    source = known?.name ?? tagged;
  } else if (input.referrerHost) {
    known = findSourceByHost(input.referrerHost);
    source = known?.name ?? input.referrerHost;
  }

  return {
    referrer: input.referrerUrl,
    source: source ?? DIRECT_SOURCE,
    channel: getChannel({
      source,
      category: known ? channelCategory(known.category) : null,
      tagged: tagged?.toLowerCase() ?? '',
      medium: utm.medium?.toLowerCase() ?? '',
      campaign: utm.campaign?.toLowerCase() ?? '',
      clickId: input.clickId ?? null,
    }),
    utmSource: utm.source,
    utmMedium: utm.medium,
    utmCampaign: utm.campaign,
    utmContent: utm.content,
    utmTerm: utm.term,
  };
}

function channelCategory(category: SourceCategory): SourceCategory {
  return category === 'ai' ? 'search' : category;
}

interface ChannelInput {
  source: string | null;
  category: SourceCategory | null;
  tagged: string;
  medium: string;
  campaign: string;
  clickId: 'gclid' | 'msclkid' | null;
}

const PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const SHOPPING_CAMPAIGN = /^(.*(([^a-df-z]|^)shop|shopping).*)$/;
const DISPLAY_MEDIUMS = new Set(['display', 'banner', 'expandable', 'interstitial', 'cpm']);
const SOCIAL_MEDIUMS = new Set(['social', 'social-network', 'social-media', 'sm', 'social network', 'social media']);
const EMAIL_TAGS = ['email', 'e-mail', 'e_mail', 'e mail', 'newsletter'];
const REFERRAL_MEDIUMS = new Set(['referral', 'app', 'link']);

function getChannel(c: ChannelInput): string {
  const paid = PAID_MEDIUM.test(c.medium);
  const shopping = c.category === 'shopping' || SHOPPING_CAMPAIGN.test(c.campaign);
  const search = c.category === 'search';
  const social = c.category === 'social';
  const video = c.category === 'video';

  if (c.campaign.includes('cross-network')) return 'Cross-network';
  if (shopping && paid) return 'Paid Shopping';
  if (search && paid) return 'Paid Search';
  if (c.source === 'Google' && c.clickId === 'gclid') return 'Paid Search';
  if (c.source === 'Bing' && c.clickId === 'msclkid') return 'Paid Search';
  if (social && paid) return 'Paid Social';
  if (video && paid) return 'Paid Video';
  if (DISPLAY_MEDIUMS.has(c.medium)) return 'Display';
  if (paid) return 'Paid Other';
  if (shopping) return 'Organic Shopping';
  if (social || SOCIAL_MEDIUMS.has(c.medium)) return 'Organic Social';
  if (video || c.medium.includes('video')) return 'Organic Video';
  if (search) return 'Organic Search';
  if (c.category === 'email' || EMAIL_TAGS.some((t) => c.tagged.includes(t) || c.medium.includes(t))) return 'Email';
  if (c.medium === 'affiliate') return 'Affiliates';
  if (c.medium === 'audio') return 'Audio';
  if (c.tagged === 'sms' || c.medium === 'sms') return 'SMS';
  if (c.medium.endsWith('push') || c.medium.includes('mobile') || c.medium.includes('notification') || c.source?.toLowerCase() === 'firebase') {
    return 'Mobile Push Notifications';
  }
  if (REFERRAL_MEDIUMS.has(c.medium) || c.source !== null) return 'Referral';
  return 'Direct';
}
