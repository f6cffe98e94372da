/** IANA time zones as the runtime knows them (workerd and browsers ship the same ICU list). */
const listed = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return []; // an engine without the API: only UTC is offered, and any zone it can format passes
  }
})();

export const TIME_ZONES: readonly string[] = listed.includes('UTC') ? listed : ['UTC', ...listed];

/** True for a zone name the runtime can use ("Europe/Berlin"), false for "Berlin" or "+02:00". */
export function isTimeZone(name: string): boolean {
  if (TIME_ZONES.includes(name)) return true;
  try {
    // aliases ("Asia/Calcutta") are valid though not listed
    new Intl.DateTimeFormat('en', { timeZone: name });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name);
  } catch {
    return false;
  }
}
