// Referrer spam: domains that fake visits to get their name into analytics reports. The list holds
// the long-lived, well-documented offenders (the same names open-source blocklists such as
// Matomo's referrer-spam-list carry); a subdomain of a listed domain is spam too, because these
// networks rotate subdomains.
const SPAM_DOMAINS = new Set([
  'semalt.com',
  'buttons-for-website.com',
  'buttons-for-your-website.com',
  'darodar.com',
  'best-seo-offer.com',
  'best-seo-solution.com',
  'blackhatworth.com',
  'hulfingtonpost.com',
  'priceg.com',
  'savetubevideo.com',
  'kambasoft.com',
  'ilovevitaly.com',
  'ilovevitaly.ru',
  '7makemoneyonline.com',
  'free-share-buttons.com',
  'free-social-buttons.com',
  'trafficmonetize.org',
  'floating-share-buttons.com',
  '100dollars-seo.com',
  'o-o-6-o-o.com',
  'o-o-8-o-o.com',
  'ranksonic.info',
  'ranksonic.org',
  '1-free-share-buttons.com',
  '4webmasters.org',
  'anticrawler.org',
  'bestwebsitesawards.com',
  'biglistofwebsites.com',
  'bot-traffic.xyz',
  'bottraffic4free.club',
  'acunetix-referrer.com',
  'autoseo-service.org',
  'anti-crisis-seo.com',
]);

export function isSpamReferrer(referrerHost: string | null | undefined): boolean {
  if (!referrerHost) return false;
  let host = referrerHost.trim().toLowerCase().replace(/\.$/, '');
  if (host.startsWith('www.')) host = host.slice(4);
  // Walk up the labels so any subdomain of a listed domain matches, but `notsemalt.com` does not.
  for (;;) {
    if (SPAM_DOMAINS.has(host)) return true;
    const dot = host.indexOf('.');
    if (dot < 0) return false;
    host = host.slice(dot + 1);
  }
}
