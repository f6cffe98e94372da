/**
 * The Properties tab's key: the site's own keys in the view's range (prop-keys API), the most
 * used one picked until the user picks another that the range still has. `picked` says the user
 * chose the key: the placeholder key shown before the list loads is no choice, so it must give
 * way to the most used key even when the site has it too.
 */
import { component$, useSignal, useTask$, type Signal } from '@builder.io/qwik';
import { useLocation } from '@builder.io/qwik-city';
import { propKeys } from '../../lib/stats';
import { dateRange, readView } from '../../lib/view';

export const PropKeyPicker = component$<{ site: string; share: string | null; propKey: Signal<string>; picked: Signal<boolean> }>(({ site, share, propKey, picked }) => {
  const loc = useLocation();
  const keys = useSignal<string[] | null>(null);
  const error = useSignal('');

  useTask$(async ({ track }) => {
    const url = track(() => loc.url);
    const res = await propKeys(site, share, dateRange(readView(url)));
    if (!res.ok) return void (error.value = res.error);
    error.value = '';
    keys.value = res.data;
    if (res.data.length && (!picked.value || !res.data.includes(propKey.value))) propKey.value = res.data[0]!;
  });

  if (error.value) return <p class="error" role="alert">Could not list the properties: {error.value}</p>;
  if (keys.value && keys.value.length === 0) return <p class="muted" data-testid="prop-keys-none">No event carries a custom property in this period.</p>;
  return (
    <label class="muted">
      Property{' '}
      <select
        value={propKey.value}
        onChange$={(_, el) => {
          picked.value = true;
          propKey.value = el.value;
        }}
        data-testid="prop-key"
      >
        {/* `selected` too: options rendered after the select's value would show the first one */}
        {(keys.value ?? [propKey.value]).map((k) => (
          <option key={k} value={k} selected={k === propKey.value}>
            {k}
          </option>
        ))}
      </select>
    </label>
  );
});
