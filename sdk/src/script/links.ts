// Script-tag entry for `pulse.links.js` (data-modules="links"). Its options are flags on the core's
// script tag: data-outbound, data-downloads (or data-downloads="pdf,zip"), data-forms.
import { initLinks } from '../links';

const tag = [...document.scripts].find((s) => 'outbound' in s.dataset || 'downloads' in s.dataset || 'forms' in s.dataset);
const data = tag ? tag.dataset : {};
initLinks({
  outbound: 'outbound' in data,
  downloads: data.downloads == null ? false : data.downloads ? data.downloads.split(',') : true,
  forms: 'forms' in data,
});
