// Well-known traffic sources: data only; the matching lives in attribute-source.ts.
//
// `name` is what the dashboard shows (Plausible's spelling where Plausible has one, so filters and
// favicons carry over). `hosts` match the host and any subdomain of it; a host ending in `.*` also
// matches any country domain (google.de, google.co.uk, google.com.br). `aliases` are the
// utm_source / source / ref spellings people use for the same source (`fb`, `ig`, `adwords`).
// The most specific host wins, so mail.google.com is Gmail, not Google.
//
// `category` drives the channel (GA4's source categories). `ai` is Pulse's own: GA4 has no
// such category and Plausible files ChatGPT and Perplexity under search, so for channels
// attribute-source.ts treats `ai` as search.

export type SourceCategory = 'search' | 'social' | 'email' | 'video' | 'shopping' | 'ai' | 'other';

export interface KnownSource {
  name: string;
  category: SourceCategory;
  hosts: string[];
  aliases?: string[];
}

export const KNOWN_SOURCES: KnownSource[] = [
  // Search
  { name: 'Google', category: 'search', hosts: ['google.*', 'android-app://com.google.android.googlequicksearchbox'], aliases: ['google', 'adwords', 'googleads'] },
  { name: 'Bing', category: 'search', hosts: ['bing.com'], aliases: ['bing', 'microsoft bing'] },
  { name: 'DuckDuckGo', category: 'search', hosts: ['duckduckgo.com', 'ddg.gg'], aliases: ['duckduckgo', 'ddg'] },
  { name: 'Yahoo!', category: 'search', hosts: ['yahoo.*'], aliases: ['yahoo', 'yahoo!'] },
  { name: 'Yandex', category: 'search', hosts: ['yandex.*', 'ya.ru'], aliases: ['yandex'] },
  { name: 'Baidu', category: 'search', hosts: ['baidu.com'], aliases: ['baidu'] },
  { name: 'Ecosia', category: 'search', hosts: ['ecosia.org'], aliases: ['ecosia'] },
  { name: 'Brave', category: 'search', hosts: ['search.brave.com'], aliases: ['brave'] },
  { name: 'Qwant', category: 'search', hosts: ['qwant.com'], aliases: ['qwant'] },
  { name: 'Startpage', category: 'search', hosts: ['startpage.com', 'startpage.nl'], aliases: ['startpage'] },
  { name: 'Naver', category: 'search', hosts: ['naver.com'], aliases: ['naver'] },
  { name: 'Kagi', category: 'search', hosts: ['kagi.com'], aliases: ['kagi'] },
  { name: 'Sogou', category: 'search', hosts: ['sogou.com'], aliases: ['sogou'] },
  { name: 'Seznam', category: 'search', hosts: ['seznam.cz'], aliases: ['seznam'] },
  { name: 'AOL', category: 'search', hosts: ['search.aol.com'], aliases: ['aol'] },
  { name: 'Ask', category: 'search', hosts: ['ask.com'], aliases: ['ask'] },

  // AI assistants
  { name: 'ChatGPT', category: 'ai', hosts: ['chatgpt.com', 'chat.openai.com'], aliases: ['chatgpt', 'openai'] },
  { name: 'Perplexity', category: 'ai', hosts: ['perplexity.ai'], aliases: ['perplexity'] },
  { name: 'Claude', category: 'ai', hosts: ['claude.ai'], aliases: ['claude'] },
  { name: 'Gemini', category: 'ai', hosts: ['gemini.google.com'], aliases: ['gemini'] },
  { name: 'Copilot', category: 'ai', hosts: ['copilot.microsoft.com'], aliases: ['copilot'] },

  // Email (webmail hosts and mail apps)
  { name: 'Gmail', category: 'email', hosts: ['mail.google.com', 'android-app://com.google.android.gm'], aliases: ['gmail'] },
  { name: 'Outlook.com', category: 'email', hosts: ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com'], aliases: ['outlook', 'hotmail'] },
  { name: 'Yahoo! Mail', category: 'email', hosts: ['mail.yahoo.com', 'mail.yahoo.co.jp'], aliases: ['yahoo mail', 'yahoo! mail'] },
  { name: 'Proton Mail', category: 'email', hosts: ['mail.proton.me', 'mail.protonmail.com'], aliases: ['protonmail', 'proton mail'] },

  // Social
  { name: 'Twitter', category: 'social', hosts: ['twitter.com', 't.co', 'x.com', 'android-app://com.twitter.android'], aliases: ['twitter', 'x', 'tw'] },
  { name: 'Facebook', category: 'social', hosts: ['facebook.com', 'fb.com', 'fb.me', 'android-app://com.facebook.katana'], aliases: ['facebook', 'fb'] },
  { name: 'Instagram', category: 'social', hosts: ['instagram.com', 'android-app://com.instagram.android'], aliases: ['instagram', 'ig'] },
  { name: 'Threads', category: 'social', hosts: ['threads.net', 'threads.com'], aliases: ['threads'] },
  { name: 'LinkedIn', category: 'social', hosts: ['linkedin.com', 'lnkd.in', 'android-app://com.linkedin.android'], aliases: ['linkedin'] },
  { name: 'Reddit', category: 'social', hosts: ['reddit.com', 'redd.it'], aliases: ['reddit'] },
  { name: 'Hacker News', category: 'social', hosts: ['news.ycombinator.com'], aliases: ['hacker news', 'hackernews', 'hn'] },
  { name: 'GitHub', category: 'social', hosts: ['github.com'], aliases: ['github'] },
  { name: 'Mastodon', category: 'social', hosts: ['mastodon.social', 'mastodon.online', 'mstdn.social', 'fosstodon.org', 'hachyderm.io', 'infosec.exchange'], aliases: ['mastodon'] },
  { name: 'Bluesky', category: 'social', hosts: ['bsky.app'], aliases: ['bluesky', 'bsky'] },
  { name: 'Pinterest', category: 'social', hosts: ['pinterest.*', 'pin.it'], aliases: ['pinterest'] },
  { name: 'TikTok', category: 'social', hosts: ['tiktok.com'], aliases: ['tiktok'] },
  { name: 'Telegram', category: 'social', hosts: ['t.me', 'telegram.org', 'android-app://org.telegram.messenger'], aliases: ['telegram'] },
  { name: 'Slack', category: 'social', hosts: ['slack.com', 'android-app://com.slack'], aliases: ['slack'] },
  { name: 'Discord', category: 'social', hosts: ['discord.com', 'discordapp.com'], aliases: ['discord'] },
  { name: 'WhatsApp', category: 'social', hosts: ['whatsapp.com', 'wa.me'], aliases: ['whatsapp'] },
  { name: 'Product Hunt', category: 'social', hosts: ['producthunt.com'], aliases: ['producthunt', 'product hunt'] },
  { name: 'VKontakte', category: 'social', hosts: ['vk.com'], aliases: ['vk', 'vkontakte'] },
  { name: 'Quora', category: 'social', hosts: ['quora.com'], aliases: ['quora'] },
  { name: 'Medium', category: 'social', hosts: ['medium.com'], aliases: ['medium'] },
  { name: 'Stack Overflow', category: 'social', hosts: ['stackoverflow.com'], aliases: ['stackoverflow'] },
  { name: 'Microsoft Teams', category: 'social', hosts: ['teams.microsoft.com', 'statics.teams.cdn.office.net'], aliases: ['teams', 'microsoft teams'] },

  // Video
  { name: 'YouTube', category: 'video', hosts: ['youtube.com', 'youtu.be', 'android-app://com.google.android.youtube'], aliases: ['youtube', 'yt'] },
  { name: 'Vimeo', category: 'video', hosts: ['vimeo.com'], aliases: ['vimeo'] },
  { name: 'Twitch', category: 'video', hosts: ['twitch.tv'], aliases: ['twitch'] },
  { name: 'Dailymotion', category: 'video', hosts: ['dailymotion.com'], aliases: ['dailymotion'] },

  // Shopping
  { name: 'Amazon', category: 'shopping', hosts: ['amazon.*'], aliases: ['amazon'] },
  { name: 'eBay', category: 'shopping', hosts: ['ebay.*'], aliases: ['ebay'] },
  { name: 'Etsy', category: 'shopping', hosts: ['etsy.com'], aliases: ['etsy'] },

  // Known names without a GA4 category: they count as Referral.
  { name: 'Wikipedia', category: 'other', hosts: ['wikipedia.org'], aliases: ['wikipedia'] },
];
