/** A button that copies `text` to the clipboard and says whether it could (in a status region). */
import { component$, useSignal } from '@builder.io/qwik';

export const CopyButton = component$<{ text: string; label: string }>(({ text, label }) => {
  const said = useSignal('');
  return (
    <>
      <button
        type="button"
        data-copy
        onClick$={async () => {
          try {
            await navigator.clipboard.writeText(text);
            said.value = 'Copied to the clipboard.';
          } catch {
            said.value = 'Copying was refused by the browser: select the text and copy it.';
          }
        }}
      >
        {label}
      </button>{' '}
      <span role="status">{said.value}</span>
    </>
  );
});
