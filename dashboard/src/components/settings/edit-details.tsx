/**
 * "Edit" under a row of a settings list: a disclosure holding the row's update form, prefilled
 * with what the row holds now (the page's own fields as children). Closed by default, so the list
 * stays short; no script is needed to open it.
 */
import { component$, Slot } from '@builder.io/qwik';

export const EditDetails = component$<{ label: string }>((props) => (
  <details data-edit style="border:1px dashed var(--border);border-radius:8px;padding:0.25rem 0.75rem">
    <summary aria-label={props.label}>Edit</summary>
    <div class="stack" style="padding:0.5rem 0">
      <Slot />
    </div>
  </details>
));
