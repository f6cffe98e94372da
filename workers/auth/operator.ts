/**
 * Who operates this deployment (README "Operators"): the bootstrap admin token (the CLI), and the
 * signed-in users whose email is listed in the Worker var `PULSE_OPERATOR_EMAILS` (comma-separated,
 * case-insensitive). Operators read `GET /api/v1/status`, manage the operations alert rules, move
 * sites between databases and choose a new site's database; they get no site role from it (the
 * status names sites and counts, never their stats). API keys are never operators, whatever
 * their scope: a key is given to scripts and other people, the list names people.
 */
import type { Env } from '../env';
import { forbidden } from './access';
import { requirePrincipal, type Principal } from './principal';

/** The listed emails, trimmed and lower-cased (an empty or unset var lists nobody). */
export function operatorEmails(env: Pick<Env, 'PULSE_OPERATOR_EMAILS'>): Set<string> {
  return new Set((env.PULSE_OPERATOR_EMAILS ?? '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean));
}

export function isOperator(env: Pick<Env, 'PULSE_OPERATOR_EMAILS'>, principal: Principal): boolean {
  if (principal.kind === 'admin') return true;
  return principal.kind === 'user' && operatorEmails(env).has(principal.email.toLowerCase());
}

/** The caller, who must be an operator: 401 without a credential, 403 naming the way in otherwise. */
export async function requireOperator(request: Request, env: Env, what: string): Promise<Principal> {
  const principal = await requirePrincipal(request, env);
  if (!isOperator(env, principal)) throw forbidden(`${what} for operators: the admin token, or a signed-in user listed in PULSE_OPERATOR_EMAILS`);
  return principal;
}
