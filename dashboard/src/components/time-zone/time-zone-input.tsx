/**
 * A searchable time-zone field: a text input over a datalist of every IANA zone, so typing
 * "berl" offers Europe/Berlin. Plain HTML, no JS; the action checks the zone (`isTimeZone`).
 */
import { component$ } from '@builder.io/qwik';
import { TIME_ZONES } from '../../lib/time-zones';

export const TimeZoneInput = component$<{ value: string; label: string }>(({ value, label }) => (
  <label>
    {label}
    {/* Qwik's input typings lack `list`, an ordinary HTML attribute */}
    <input name="timezone" {...{ list: 'time-zones' }} value={value} required autoComplete="off" spellcheck={false} placeholder="Start typing, e.g. Europe/Berlin" />
    <datalist id="time-zones">
      {TIME_ZONES.map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  </label>
));
