// Script-tag entry for `pulse.persist.js`: load it once the visitor consented (data-modules="persist"
// on the tag, or inject the script from the consent manager after the core). It creates the
// persistent id and installs `pulse.persist(on)`; `pulse.persist(false)` withdraws consent and
// deletes the id.
import { setPersist } from '../persist';

setPersist(true);
if (window.pulse) window.pulse.persist = setPersist;
