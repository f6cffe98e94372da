// Script-tag entry for `pulse.errors.js` (loaded by the core when `data-modules` names it).
import { initErrors } from '../errors';

initErrors();
