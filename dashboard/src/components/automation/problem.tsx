/** The error of a form's last submission, next to the form (role=alert so it is announced). */
import { component$ } from '@builder.io/qwik';
import { problemOf } from './channels';

export const Problem = component$<{ of: unknown; testid?: string }>((props) => {
  const message = problemOf(props.of);
  return message ? (
    <p class="error" role="alert" data-testid={props.testid}>
      {message}
    </p>
  ) : null;
});
