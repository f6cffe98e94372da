// Script-tag entry for `pulse.vitals.js` (loaded by the core when `data-modules` names it).
import { initVitals } from '../vitals';

initVitals();
