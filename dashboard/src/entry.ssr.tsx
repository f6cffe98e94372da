/** Server rendering for every environment (Vite dev, Cloudflare Pages). */
import { renderToStream, type RenderToStreamOptions } from '@builder.io/qwik/server';
import Root from './root';

export default function (opts: RenderToStreamOptions) {
  return renderToStream(<Root />, {
    ...opts,
    containerAttributes: { lang: 'en', ...opts.containerAttributes },
    serverData: { ...opts.serverData },
    // Qwik preloads up to 25 likely bundles when the page goes idle: on the overview that pulled in
    // every menu's and settings page's code before anyone clicked (the JS-before-interaction
    // budget). The few most likely ones still come; the rest load on the interaction that needs them.
    preloader: { ssrPreloads: 5, maxIdlePreloads: 6 },
  });
}
