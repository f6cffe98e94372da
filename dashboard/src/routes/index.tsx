import type { RequestHandler } from '@builder.io/qwik-city';

// The home page is the list of sites (the layout already sent signed-out visitors to /login).
export const onGet: RequestHandler = (ev) => {
  throw ev.redirect(302, '/sites/');
};
