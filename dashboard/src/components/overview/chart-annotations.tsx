/**
 * Under the main chart: the range's annotations, each with a delete button, and a small form
 * (day + text) that adds one. Both change `notes`, which the chart draws, only after the API has
 * said yes; its refusal (a viewer may not change annotations) is shown as its own message.
 */
import { component$, useSignal, type Signal } from '@builder.io/qwik';
import { createAnnotation, deleteAnnotation, type Annotation } from '../../lib/annotations';

export const ChartAnnotations = component$<{ site: string; notes: Signal<Annotation[]>; today: string }>(({ site, notes, today }) => {
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  return (
    <details class="annotations" data-testid="annotations">
      <summary>Annotations ({notes.value.length})</summary>
      {notes.value.length > 0 && (
        <ul>
          {notes.value.map((a) => (
            <li key={a.id} data-annotation={a.id}>
              <time dateTime={a.date}>{a.date}</time> <span>{a.text}</span>{' '}
              <button
                type="button"
                class="link-button"
                aria-label={`Delete annotation ${a.date} ${a.text}`}
                disabled={busy.value}
                onClick$={async () => {
                  busy.value = true;
                  const res = await deleteAnnotation(site, a.id);
                  busy.value = false;
                  error.value = res.ok ? null : res.error;
                  if (res.ok) notes.value = notes.value.filter((n) => n.id !== a.id);
                }}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        preventdefault:submit
        data-testid="annotation-form"
        onSubmit$={async (_, form) => {
          const data = new FormData(form);
          busy.value = true;
          const res = await createAnnotation(site, String(data.get('date') ?? ''), String(data.get('text') ?? ''));
          busy.value = false;
          error.value = res.ok ? null : res.error;
          if (res.ok) {
            notes.value = [...notes.value, res.data].sort((x, y) => x.date.localeCompare(y.date));
            form.reset();
          }
        }}
      >
        <label>
          Day <input type="date" name="date" required max={today} value={today} />
        </label>
        <label>
          Note <input type="text" name="text" required maxLength={500} placeholder="Launched v2" />
        </label>
        <button type="submit" disabled={busy.value}>
          Add annotation
        </button>
      </form>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
    </details>
  );
});
