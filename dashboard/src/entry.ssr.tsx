/** Server rendering for every environment (Vite dev, Cloudflare Pages). */
import { renderToStream, type RenderToStreamOptions } from '@builder.io/qwik/server';
import Root from './root';

export default function (opts: RenderToStreamOptions) {
  return renderToStream(<Root />, {
    ...opts,
    containerAttributes: { lang: 'en', ...opts.containerAttributes },
    serverData: { ...opts.serverData },
    // Preload on intent, not on idle. By default Qwik hands the preloader every QRL in the page's
    // snapshot once the page has loaded (each menu, export button and dialog handler: ~65 bundles,
    // ~89 KB before anyone clicks; issue 18 caps that at 70 KB). `null` drops that idle seed and
    // its SSR <link rel=modulepreload> tags only: the core is still modulepreloaded, and the
    // preloader still runs with the bundle graph, so the first click (qwikloader's `qsymbol`)
    // fetches the clicked handler and everything it is likely to pull in, in parallel rather than
    // as an import waterfall. Visible tasks (the chart) load their code as before.
    // `prefetchStrategy` is marked deprecated in Qwik 1.20 but is the only switch for this seed
    // (`preloader` options tune how fast the seed drains, not what it holds).
    prefetchStrategy: null,
  });
}
