/**
 * The Stats API v1 filter expression (`event:goal==Signup;visit:country==DE|FR`) as Stats API v2
 * filters, as Plausible's LegacyStatsAPIFilterParser reads it: `;` joins conditions with and, `|`
 * lists values (any may match; `\|` is a literal pipe), `==` is, `!=` is not, a `*` makes the value
 * a wildcard (`*` within a path segment, `**` across them). Pulse adds `~` (contains) and `!~`
 * (does not contain), the operators of Plausible's dashboard filters.
 *
 * Where Plausible silently drops a condition it cannot read (no operator, a country code that is
 * not two letters), Pulse answers 400 naming it: a dropped filter returns unfiltered numbers that
 * look right and are not.
 */
import { HttpError } from '../lib/http-error';
import { wildcardSource } from '../lib/goals';

export const V1_PROPERTIES = [
  'event:page', 'event:name', 'event:goal', 'event:hostname',
  'visit:source', 'visit:channel', 'visit:country', 'visit:region', 'visit:city', 'visit:entry_page',
  'visit:exit_page', 'visit:referrer', 'visit:utm_medium', 'visit:utm_source', 'visit:utm_campaign',
  'visit:utm_content', 'visit:utm_term', 'visit:device', 'visit:os', 'visit:os_version',
  'visit:browser', 'visit:browser_version',
];

/** Plausible's `Legacy.Dimensions.valid?`: the properties v1 filters and breakdowns accept. */
export function isV1Property(p: string): boolean {
  return V1_PROPERTIES.includes(p) || (p.startsWith('event:props:') && p.length > 'event:props:'.length);
}

/** A v1 expression is at most this long (the whole URL is bounded too): 64 conditions of 500 characters. */
const MAX_EXPRESSION = 32_000;

const bad = (message: string) => new HttpError(400, 'invalid_filters', message);

/** Splits on `|` not preceded by a backslash, then unescapes `\|`. */
function memberList(raw: string): string[] {
  return raw.split(/(?<!\\)\|/).map((v) => v.replaceAll('\\|', '|'));
}

/** `*` and `**` wildcards as an anchored RE2 pattern, the same translation as page goals. */
export const wildcardPattern = wildcardSource;

type V2Filter = [string, string, string[]];

/** Parses one `key<op>value` condition. */
function parseCondition(raw: string): V2Filter {
  const text = raw.trim();
  const m = /^([^=!~]+?)\s*(==|!=|!~|~)\s*(.*)$/s.exec(text);
  if (!m || m[3] === '') throw bad(`Invalid filter expression \`${text.slice(0, 200)}\`. Filters look like \`visit:country==DE\` (operators ==, !=, ~, !~; | between values; ; between filters)`);
  const [, key, op, value] = m as unknown as [string, string, string, string];
  if (!isV1Property(key)) {
    throw bad(`Invalid filter property '${key.slice(0, 200)}'. Please provide a valid filter property: https://plausible.io/docs/stats-api#properties`);
  }
  const values = memberList(value);
  // goals are names: `*` in a goal filter is literal, as in Plausible
  if (key === 'event:goal') {
    if (op === '==') return ['is', key, values];
    if (op === '!=') return ['is_not', key, values];
  }
  if (key === 'visit:country') {
    const wrong = values.find((v) => v.length !== 2 || v.includes('*'));
    if (wrong !== undefined) throw bad(`Invalid filter value '${wrong.slice(0, 200)}' for visit:country: expected ISO 3166-1 alpha-2 codes such as DE`);
  }
  if (op === '~') return ['contains', key, values];
  if (op === '!~') return ['contains_not', key, values];
  // Plausible matches a wildcard expression whole, pipes included (`/a*|/b` is one pattern of two
  // alternatives); each member becomes its own anchored pattern here, which matches the same paths
  if (value.includes('*')) return [op === '==' ? 'matches' : 'matches_not', key, values.map(wildcardPattern)];
  return [op === '==' ? 'is' : 'is_not', key, values];
}

/** The v2 filters of a v1 `filters` parameter (an empty or absent one is no filter). */
export function parseV1Filters(expression: string | null): V2Filter[] {
  if (expression === null || expression.trim() === '') return [];
  if (expression.length > MAX_EXPRESSION) throw bad(`The filters parameter is over ${MAX_EXPRESSION} characters`);
  return expression
    .split(';')
    .filter((part) => part.trim() !== '')
    .map(parseCondition);
}
