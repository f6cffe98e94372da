/** Goals (custom event or "Visit <path>") and funnels (2–8 ordered goals within a visit). */
import { component$ } from '@builder.io/qwik';
import { Form, routeAction$, routeLoader$, z, zod$, type DocumentHead } from '@builder.io/qwik-city';
import { api, messageOf } from '../../../../../lib/api';

interface Goal {
  id: string;
  kind: 'event' | 'page';
  display_name: string;
}
interface Funnel {
  id: string;
  name: string;
  steps: string[];
}

const path = (site: string) => `/api/v1/sites/${encodeURIComponent(site)}`;
const fail = (ev: { fail: (s: number, d: { message: string }) => unknown }, e: unknown) => ev.fail(400, { message: messageOf(e) });

export const useGoals = routeLoader$(async (ev) => {
  try {
    const [g, f] = await Promise.all([api<{ goals: Goal[] }>(ev, `${path(ev.params.site!)}/goals`), api<{ funnels: Funnel[] }>(ev, `${path(ev.params.site!)}/funnels`)]);
    return { ok: true as const, goals: g.goals, funnels: f.funnels };
  } catch (e) {
    return { ok: false as const, error: messageOf(e) };
  }
});

export const useAddGoal = routeAction$(
  async (data, ev) => {
    const target = data.target.trim();
    // A leading slash means a page goal ("Visit /pricing"); anything else is a custom event name.
    const body = target.startsWith('/') ? { page_path: target } : { event_name: target };
    try {
      await api(ev, `${path(ev.params.site!)}/goals`, { body: { ...body, ...(data.display_name ? { display_name: data.display_name } : {}) } });
      return { ok: true };
    } catch (e) {
      return fail(ev, e);
    }
  },
  zod$({ target: z.string().trim().min(1, 'Enter an event name or a path such as /pricing.'), display_name: z.string().trim().max(120).optional() }),
);

export const useDeleteGoal = routeAction$(
  async (data, ev) => {
    try {
      await api(ev, `${path(ev.params.site!)}/${data.kind}/${encodeURIComponent(data.id)}`, { method: 'DELETE' });
      return { ok: true };
    } catch (e) {
      return fail(ev, e);
    }
  },
  zod$({ id: z.string().min(1), kind: z.enum(['goals', 'funnels']) }),
);

export const useAddFunnel = routeAction$(
  async (data, ev) => {
    const steps = [data.s1, data.s2, data.s3, data.s4, data.s5, data.s6, data.s7, data.s8].filter((s): s is string => !!s);
    // A goal twice in one funnel would count the same conversion as two steps.
    const repeated = steps.findIndex((s, i) => steps.indexOf(s) !== i);
    if (repeated >= 0) return ev.fail(400, { message: `Step ${repeated + 1} repeats step ${steps.indexOf(steps[repeated]!) + 1}: each goal may appear once in a funnel.` });
    try {
      await api(ev, `${path(ev.params.site!)}/funnels`, { body: { name: data.name, steps } });
      return { ok: true };
    } catch (e) {
      return fail(ev, e);
    }
  },
  zod$({
    name: z.string().trim().min(1, 'Name the funnel.'),
    s1: z.string().min(1, 'Pick a first step.'),
    s2: z.string().min(1, 'Pick a second step.'),
    s3: z.string().optional(),
    s4: z.string().optional(),
    s5: z.string().optional(),
    s6: z.string().optional(),
    s7: z.string().optional(),
    s8: z.string().optional(),
  }),
);

export default component$(() => {
  const data = useGoals();
  const addGoal = useAddGoal();
  const del = useDeleteGoal();
  const addFunnel = useAddFunnel();
  if (!data.value.ok) return <p class="error card" role="alert">{data.value.error}</p>;
  const { goals, funnels } = data.value;
  const nameOf = (id: string) => goals.find((g) => g.id === id)?.display_name ?? id;
  const errorOf = (v: unknown) => (v as { failed?: boolean; message?: string; fieldErrors?: Record<string, unknown> } | undefined);
  const problem = [addGoal.value, del.value, addFunnel.value].map(errorOf).find((v) => v?.failed);
  return (
    <>
      {problem && (
        <p class="error card" role="alert">
          {problem.message ?? Object.values(problem.fieldErrors ?? {}).join(' ')}
        </p>
      )}
      <section class="card">
        <h2>Goals</h2>
        {goals.length === 0 && <p class="empty">No goals yet.</p>}
        <ul data-testid="goals">
          {goals.map((g) => (
            <li key={g.id} class="inline-form">
              <span>
                {g.display_name} <span class="muted">({g.kind === 'page' ? 'page visit' : 'custom event'})</span>
              </span>
              <Form action={del}>
                <input type="hidden" name="id" value={g.id} />
                <input type="hidden" name="kind" value="goals" />
                <button type="submit" class="link-button">
                  Delete
                </button>
              </Form>
            </li>
          ))}
        </ul>
        <Form action={addGoal} class="inline-form" spaReset>
          <label>
            Event name or page path
            <input name="target" placeholder="Signup or /pricing or /blog/**" required />
          </label>
          <label>
            Display name (optional)
            <input name="display_name" />
          </label>
          <button type="submit" class="primary">
            Add goal
          </button>
        </Form>
      </section>
      <section class="card">
        <h2>Funnels</h2>
        {funnels.length === 0 && <p class="empty">No funnels yet.</p>}
        <ul>
          {funnels.map((f) => (
            <li key={f.id} class="inline-form">
              <span>
                <strong>{f.name}</strong>: {f.steps.map(nameOf).join(' → ')}
              </span>
              <Form action={del}>
                <input type="hidden" name="id" value={f.id} />
                <input type="hidden" name="kind" value="funnels" />
                <button type="submit" class="link-button">
                  Delete
                </button>
              </Form>
            </li>
          ))}
        </ul>
        {goals.length < 2 ? (
          <p class="muted">A funnel needs at least two goals.</p>
        ) : (
          <Form action={addFunnel} class="stack" spaReset>
            <label>
              Funnel name
              <input name="name" required />
            </label>
            {[1, 2, 3, 4, 5, 6, 7, 8].map((n) => (
              <label key={n}>
                Step {n}
                {n > 2 ? ' (optional)' : ''}
                <select name={`s${n}`} required={n <= 2}>
                  <option value="">—</option>
                  {goals.map((g) => (
                    <option key={g.id} value={g.id}>
                      {g.display_name}
                    </option>
                  ))}
                </select>
              </label>
            ))}
            <div>
              <button type="submit" class="primary">
                Add funnel
              </button>
            </div>
          </Form>
        )}
      </section>
    </>
  );
});

export const head: DocumentHead = { title: 'Goals and funnels' };
