/**
 * Under the main chart: the range's annotations, each with a delete button, and a small form
 * (day + text) that adds one. After the API has said yes, `edits` is bumped and the chart reads
 * its annotations again; a refusal (a viewer may not change annotations) is shown as its message.
 */
import { component$, useSignal, type Signal } from '@builder.io/qwik';
import { createAnnotation, deleteAnnotation, type Annotation } from '../../lib/annotations';

export const ChartAnnotations = component$<{ site: string; notes: Annotation[]; edits: Signal<number>; open: Signal<boolean>; today: string }>(({ site, notes, edits, open, today }) => {
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  return (
    // open stays open while the list reloads after an edit
    <details class="annotations" data-testid="annotations" open={open.value} onToggle$={(_, el) => (open.value = el.open)}>
      <summary>Annotations ({notes.length})</summary>
      {notes.length > 0 && (
        <ul>
          {notes.map((a) => (
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
                  if (res.ok) edits.value++;
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
            form.reset();
            edits.value++;
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
