import { describe, expect, it } from 'vitest';
import { normalizeReferrer, normalizeUrl } from './normalize-url';

const plain = (url: string, allowedQueryKeys?: string[]) => normalizeUrl(url, { hashMode: false, allowedQueryKeys });
const NO_UTM = { source: null, medium: null, campaign: null, content: null, term: null };

describe('normalizeUrl: host and path', () => {
  it('lower-cases the host and strips www.', () => {
    expect(plain('https://WWW.Example.COM/About')).toEqual({
      hostname: 'example.com',
      pathname: '/About',
      utm: NO_UTM,
      sourceParam: null,
      clickId: null,
    });
  });

  it('keeps other subdomains, and ports do not matter', () => {
    expect(plain('https://blog.example.com:8443/x').hostname).toBe('blog.example.com');
    expect(plain('http://www2.example.com/').hostname).toBe('www2.example.com');
  });

  it('turns an empty path into / and keeps a trailing slash as sent', () => {
    expect(plain('https://a.com').pathname).toBe('/');
    expect(plain('https://a.com/blog/').pathname).toBe('/blog/');
    expect(plain('https://a.com/blog').pathname).toBe('/blog');
  });

  it('percent-decodes the path and leaves broken escapes alone', () => {
    expect(plain('https://a.com/caf%C3%A9/na%C3%AFve').pathname).toBe('/café/naïve');
    expect(plain('https://a.com/café').pathname).toBe('/café');
    expect(plain('https://a.com/100%25%20sure').pathname).toBe('/100% sure');
    expect(plain('https://a.com/bad%zz/x').pathname).toBe('/bad%zz/x');
    // %C3 alone is not UTF-8; the valid %41 next to it still decodes.
    expect(plain('https://a.com/x%C3%41y').pathname).toBe('/x%C3Ay');
  });

  it('resolves dot segments and trims trailing whitespace like Plausible', () => {
    expect(plain('https://a.com/a/b/../c/./d').pathname).toBe('/a/c/d');
    expect(plain('https://a.com/page%20%20').pathname).toBe('/page');
  });
});

describe('normalizeUrl: query strings', () => {
  it('drops query strings', () => {
    expect(plain('https://a.com/search?q=secret+stuff&session=abc').pathname).toBe('/search');
  });

  it('keeps allow-listed keys, sorted, on the path', () => {
    const url = 'https://a.com/list?page=2&sort=new&lang=de&q=private&page=1';
    expect(plain(url, ['page', 'lang']).pathname).toBe('/list?lang=de&page=1&page=2');
    expect(plain('https://a.com/?tag=a%20b%26c', ['tag']).pathname).toBe('/?tag=a%20b%26c');
  });

  it('extracts UTM tags, decoded and trimmed, and never keeps them on the path', () => {
    const url =
      'https://a.com/landing?utm_source=Newsletter&utm_medium=email&utm_campaign=black+friday&utm_content=%20hero%20&utm_term=&x=1';
    expect(plain(url, ['utm_source', 'x'])).toEqual({
      hostname: 'a.com',
      pathname: '/landing?x=1',
      utm: { source: 'Newsletter', medium: 'email', campaign: 'black friday', content: 'hero', term: null },
      sourceParam: null,
      clickId: null,
    });
  });

  it('reads source, then ref, as the source parameter', () => {
    expect(plain('https://a.com/?ref=producthunt').sourceParam).toBe('producthunt');
    expect(plain('https://a.com/?ref=a&source=b').sourceParam).toBe('b');
    expect(plain('https://a.com/?ref=').sourceParam).toBeNull();
  });

  it('notes ad click ids without keeping them', () => {
    expect(plain('https://a.com/p?gclid=Cj0KCQ').clickId).toBe('gclid');
    expect(plain('https://a.com/p?msclkid=abc').clickId).toBe('msclkid');
    expect(plain('https://a.com/p?gclid=x').pathname).toBe('/p');
  });

  it('scrubs e-mails from UTM tags and kept values', () => {
    const url = 'https://a.com/?utm_content=jane.doe%40example.com&email=jane%40example.com';
    const result = plain(url, ['email']);
    expect(result.utm.content).toBe('[email]');
    expect(result.pathname).toBe('/?email=%5Bemail%5D');
  });
});

describe('normalizeUrl: hash mode', () => {
  it('appends the hash route to the path (Plausible: /path#/route)', () => {
    const hash = (url: string) => normalizeUrl(url, { hashMode: true }).pathname;
    expect(hash('https://a.com/#/settings/profile')).toBe('/#/settings/profile');
    expect(hash('https://a.com/app#/users/%C3%A9')).toBe('/app#/users/é');
    expect(hash('https://a.com/app#')).toBe('/app');
    expect(hash('https://a.com/app')).toBe('/app');
  });

  it('drops a query inside the hash route', () => {
    expect(normalizeUrl('https://a.com/#/search?q=private', { hashMode: true }).pathname).toBe('/#/search');
  });

  it('ignores the fragment without hash mode', () => {
    expect(plain('https://a.com/docs#install').pathname).toBe('/docs');
  });

  it('scrubs tokens in hash routes (OAuth implicit flow)', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    expect(normalizeUrl(`https://a.com/#/callback/${jwt}`, { hashMode: true }).pathname).toBe('/#/callback/[token]');
  });
});

describe('normalizeUrl: privacy scrubbing', () => {
  it('scrubs e-mail addresses, also when percent-encoded', () => {
    expect(plain('https://a.com/users/jane.doe+news@example.co.uk/edit').pathname).toBe('/users/[email]/edit');
    expect(plain('https://a.com/unsubscribe/jane%40example.com').pathname).toBe('/unsubscribe/[email]');
    // The local part may hold dashes, so the whole of mail-jane@… goes.
    expect(plain('https://a.com/u/mail-jane@example.com-x').pathname).toBe('/u/[email]-x');
  });

  it('scrubs hex tokens of 32 characters or more, and JWTs', () => {
    expect(plain('https://a.com/reset/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08').pathname).toBe('/reset/[token]');
    expect(plain('https://a.com/s/0123456789abcdef0123456789ABCDEF').pathname).toBe('/s/[token]');
    expect(plain('https://a.com/verify/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcDEF123_-x').pathname).toBe('/verify/[token]');
  });

  it('scrubs random-looking base64url words but not slugs', () => {
    expect(plain('https://a.com/magic/Xk9fQ2LmZp7RtV4wYb8NcJ3sHd6Ge1Ua').pathname).toBe('/magic/[token]');
    expect(plain('https://a.com/dl/Xk9fQ2LmZp7RtV4wYb8NcJ3sHd6Ge1Ua.pdf').pathname).toBe('/dl/[token].pdf');
    const slugs = [
      '/blog/how-to-deploy-cloudflare-workers-in-2024-a-complete-guide',
      '/docs/GettingStartedWithCloudflareWorkers2024',
      '/p/the_quick_brown_fox_jumps_over_the_lazy_dog_42',
      '/orders/123e4567-e89b-12d3-a456-426614174000',
      '/assets/app.3f2a9c1b.js',
    ];
    for (const slug of slugs) expect(plain(`https://a.com${slug}`).pathname).toBe(slug);
  });
});

describe('normalizeReferrer', () => {
  it('keeps host and path, without www., query, fragment or trailing slash', () => {
    expect(normalizeReferrer('https://www.Google.com/', 'a.com')).toEqual({ host: 'google.com', url: 'google.com' });
    expect(normalizeReferrer('https://news.ycombinator.com/item?id=1#c', 'a.com')).toEqual({
      host: 'news.ycombinator.com',
      url: 'news.ycombinator.com/item',
    });
    expect(normalizeReferrer('https://blog.b.com/posts/hello/', 'a.com')).toEqual({ host: 'blog.b.com', url: 'blog.b.com/posts/hello' });
  });

  it('counts the page own host as internal navigation, www. or not', () => {
    const none = { host: null, url: null };
    expect(normalizeReferrer('https://a.com/pricing', 'a.com')).toEqual(none);
    expect(normalizeReferrer('https://www.a.com/pricing', 'a.com')).toEqual(none);
    expect(normalizeReferrer('https://a.com/', 'www.a.com')).toEqual(none);
    // Another subdomain of the same site is a referrer, as in Plausible.
    expect(normalizeReferrer('https://docs.a.com/', 'a.com')).toEqual({ host: 'docs.a.com', url: 'docs.a.com' });
  });

  it('treats missing, invalid, localhost and non-web referrers as none', () => {
    const none = { host: null, url: null };
    for (const referrer of [null, undefined, '', 'not a url', 'http://localhost:3000/x', 'file:///C:/page.html', 'about:blank', 'chrome://newtab/']) {
      expect(normalizeReferrer(referrer, 'a.com')).toEqual(none);
    }
  });

  it('keeps android-app referrers with their scheme', () => {
    expect(normalizeReferrer('android-app://com.google.android.gm/', 'a.com')).toEqual({
      host: 'android-app://com.google.android.gm',
      url: 'android-app://com.google.android.gm',
    });
  });

  it('scrubs e-mails and tokens in the referrer path', () => {
    expect(normalizeReferrer('https://b.com/confirm/jane%40example.com/9f86d081884c7d659a2feaa0c55ad015', 'a.com').url).toBe(
      'b.com/confirm/[email]/[token]',
    );
  });
});
