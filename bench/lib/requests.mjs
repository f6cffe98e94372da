/**
 * The request mix the ingest benches send (bench:ingest, bench/collect-stages.ts): a few pages,
 * referrers and desktop/mobile user agents, as one site's real traffic repeats them.
 */
export const PATHS = ['/', '/pricing', '/blog/launch', '/docs/getting-started', '/about', '/blog/privacy'];
export const REFERRERS = ['https://www.google.com/', 'https://news.ycombinator.com/', 'https://t.co/abc', '', '', 'https://duckduckgo.com/'];
export const UAS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
];
