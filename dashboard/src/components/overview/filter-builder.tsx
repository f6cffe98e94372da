/**
 * The filter builder of the filter menu: a dimension (any the Stats API filters on, a custom
 * property by its key), an operator (is / is not / contains / does not contain) and one or more
 * values, or-ed as in `[op, dimension, values]`. Applying it writes `f=` into the URL (replacing a
 * filter on the same dimension), so the chips, every card and a shared link all see it. Value
 * suggestions are the dimension's top values under the other filters, fetched once the menu opens.
 */
import { $, component$, useSignal, useTask$, type Signal } from '@builder.io/qwik';
import { useLocation, useNavigate } from '@builder.io/qwik-city';
import { countryName } from '../../lib/format';
import { propKeys, queryStats } from '../../lib/stats';
import { apiFilters, dateRange, hrefWithFilter, readView, type FilterOpId } from '../../lib/view';
import { FILTER_DIMENSIONS, FILTER_OPS, PROPS } from './filter-dimensions';

const SUGGESTIONS = 25;
const PROP_KEY = /^[\w:. -]+$/;

interface Suggestion {
  value: string;
  label: string;
}

export const FilterBuilder = component$<{ site: string; share: string | null; open: Signal<boolean>; onApplied$: () => void }>(({ site, share, open, onApplied$ }) => {
  const loc = useLocation();
  const nav = useNavigate();
  const dim = useSignal('event:page');
  const propKey = useSignal('');
  const op = useSignal<FilterOpId>('is');
  const values = useSignal<string[]>(['']);
  const error = useSignal('');
  const suggestions = useSignal<Suggestion[]>([]);
  const keys = useSignal<string[]>([]);

  // Suggestions only while the menu is open: the closed menu costs the overview no query.
  useTask$(async ({ track }) => {
    const isOpen = track(() => open.value);
    const d = track(() => dim.value);
    const key = track(() => propKey.value);
    const url = track(() => loc.url);
    if (!isOpen) return;
    const view = readView(url);
    if (d === PROPS) {
      const res = await propKeys(site, share, dateRange(view));
      keys.value = res.ok ? res.data : [];
      if (!PROP_KEY.test(key)) return void (suggestions.value = []);
    }
    const dimension = d === PROPS ? `${PROPS}:${key}` : d;
    const others = view.filters.filter((f) => f.dimension !== dimension);
    const res = await queryStats(
      { site_id: site, metrics: ['visitors'], date_range: dateRange(view), dimensions: [dimension as never], filters: apiFilters(others), pagination: { limit: SUGGESTIONS } },
      share,
    );
    suggestions.value = res.ok
      ? res.data.results.map((r) => String(r.dimensions[0] ?? '')).filter((v) => v !== '' && v !== '(none)').map((v) => ({ value: v, label: d === 'visit:country' ? countryName(v) : v }))
      : [];
  });

  const apply = $(async () => {
    const picked = [...new Set(values.value.map((v) => v.trim()).filter((v) => v !== ''))];
    if (dim.value === PROPS && !PROP_KEY.test(propKey.value)) return void (error.value = 'Enter the property key (letters, digits, _ : . - and spaces).');
    if (picked.length === 0) return void (error.value = 'Enter at least one value.');
    error.value = '';
    const dimension = dim.value === PROPS ? `${PROPS}:${propKey.value}` : dim.value;
    await nav(hrefWithFilter(loc.url, { dimension, op: op.value, values: picked }));
    values.value = [''];
    onApplied$();
  });

  // Qwik's input typings lack `list` (an ordinary HTML attribute): it goes in as a spread
  return (
    <form class="filter-builder" data-testid="filter-builder" preventdefault:submit onSubmit$={apply} aria-label="Add a filter">
      <label>
        Filter by
        <select name="dimension" value={dim.value} onChange$={(_, el) => ((dim.value = el.value), (suggestions.value = []))}>
          {FILTER_DIMENSIONS.map((d) => (
            <option key={d.dimension} value={d.dimension} selected={d.dimension === dim.value}>
              {d.label}
            </option>
          ))}
          <option value={PROPS} selected={dim.value === PROPS}>
            Property…
          </option>
        </select>
      </label>
      {dim.value === PROPS && (
        <label>
          Property key
          <input name="prop_key" {...{ list: 'filter-prop-keys' }} autoComplete="off" value={propKey.value} onChange$={(_, el) => (propKey.value = el.value.trim())} />
          <datalist id="filter-prop-keys">
            {keys.value.map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
        </label>
      )}
      <label>
        Operator
        <select name="op" value={op.value} onChange$={(_, el) => (op.value = el.value as FilterOpId)}>
          {FILTER_OPS.map((o) => (
            <option key={o.op} value={o.op} selected={o.op === op.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Values (any of them)</legend>
        {values.value.map((v, i) => (
          <div class="value-row" key={i}>
            <input
              name="value"
              aria-label={`Value ${i + 1}`}
              {...{ list: 'filter-suggestions' }}
              autoComplete="off"
              value={v}
              onInput$={(_, el) => (values.value = values.value.map((x, j) => (j === i ? el.value : x)))}
            />
            {values.value.length > 1 && (
              <button type="button" class="link-button" aria-label={`Remove value ${i + 1}`} onClick$={() => (values.value = values.value.filter((_, j) => j !== i))}>
                ×
              </button>
            )}
          </div>
        ))}
        <datalist id="filter-suggestions">
          {suggestions.value.map((s) => (
            <option key={s.value} value={s.value} label={s.label} />
          ))}
        </datalist>
        <button type="button" class="link-button" data-add-value onClick$={() => (values.value = [...values.value, ''])}>
          + another value
        </button>
      </fieldset>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <button type="submit">Apply filter</button>
    </form>
  );
});
