/** OpenAPI paths of the management API (`/api/v1`), the JWKS and this document. */
import { json, noContent, operation, pathParam, queryParam, ref, SITE, type Json } from './helpers';

const PUBLIC: Json[] = [];
const list = (key: string, item: string) => ({ type: 'object', properties: { [key]: { type: 'array', items: ref(item) } } });
const ID = (what: string) => pathParam('id', `${what} id`);
const USER = pathParam('user', 'User id');

export const managementPaths: Record<string, Json> = {
  '/.well-known/jwks.json': {
    get: operation({ summary: 'Public keys that verify Pulse tokens (ES256)', tags: ['auth'], security: PUBLIC, ok: { 200: json(ref('Jwks')) }, errors: [503] }),
  },
  '/api/openapi.json': {
    get: operation({ summary: 'This document', tags: ['meta'], security: PUBLIC, ok: { 200: json({ type: 'object' }) }, errors: [] }),
  },
  '/api/v1/auth/sign-in': {
    post: operation({
      summary: 'Sign in with email and password',
      description: 'Returns a short-lived session JWT and sets it as the HttpOnly `pulse_session` cookie. Failed attempts are limited per email and per IP.',
      tags: ['auth'], security: PUBLIC, body: ref('SignIn'), ok: { 200: json(ref('Session')) }, errors: [400, 401, 413, 429],
    }),
  },
  '/api/v1/auth/sign-out': {
    post: operation({ summary: 'Sign out: revokes the session token', tags: ['auth'], security: [{ session: [] }, { cookie: [] }], ok: { 204: noContent }, errors: [401, 403] }),
  },
  '/api/v1/auth/me': {
    get: operation({ summary: 'Who the credential belongs to', tags: ['auth'], ok: { 200: json(ref('WhoAmI')) }, errors: [401, 429] }),
  },
  '/api/v1/auth/password': {
    post: operation({
      summary: 'Change password; ends every other session and returns a new one',
      tags: ['auth'], security: [{ session: [] }, { cookie: [] }], body: ref('PasswordChange'), ok: { 200: json(ref('Session')) }, errors: [400, 401, 403, 413, 429],
    }),
  },
  '/api/v1/invitations/accept': {
    post: operation({ summary: 'Accept an invitation token; returns a session', tags: ['members'], security: PUBLIC, body: ref('InvitationAccept'), ok: { 200: json(ref('Session')) }, errors: [400, 401, 403, 404, 413, 429] }),
  },
  '/api/v1/sites': {
    get: operation({ summary: 'Sites the caller can see', tags: ['sites'], ok: { 200: json(list('sites', 'Site')) }, errors: [401, 403, 429] }),
    post: operation({ summary: 'Create a site (the signed-in user becomes owner)', tags: ['sites'], body: ref('SiteCreate'), ok: { 201: json(ref('Site'), 'Created') }, errors: [400, 401, 403, 409, 413] }),
  },
  '/api/v1/sites/{site}': {
    parameters: [SITE],
    get: operation({ summary: 'Read a site (viewer)', tags: ['sites'], ok: { 200: json(ref('Site')) }, errors: [400, 401, 403, 404, 429] }),
    patch: operation({ summary: 'Update time zone, retention, allowed hostnames, public flag (admin)', tags: ['sites'], body: ref('SiteUpdate'), ok: { 200: json(ref('Site')) }, errors: [400, 401, 403, 404, 413, 429] }),
    delete: operation({
      summary: 'Delete a site with all its data (owner)',
      description: 'Removes D1 rows of the site in every table, the R2 archive under raw/v1/site=<id>/, and revokes every key and share link that names it.',
      tags: ['sites'], ok: { 200: json(ref('SiteDeleted')) }, errors: [400, 401, 403, 404, 429],
    }),
  },
  '/api/v1/sites/{site}/reset': {
    parameters: [SITE],
    post: operation({
      summary: "Reset a site's stats (owner; confirm with the domain)",
      description: 'Deletes events, sessions, rollups, report aggregates, drop counts, dead letters and the R2 archive; keeps the site, goals, funnels, segments, members, keys and share links. `created_at` becomes the reset time (the new incarnation), so late Queue messages are dropped.',
      tags: ['sites'], body: ref('SiteReset'), ok: { 200: json(ref('SiteStatsReset')) }, errors: [400, 401, 403, 404, 409, 413, 429],
    }),
  },
  '/api/v1/sites/{site}/members': {
    parameters: [SITE],
    get: operation({ summary: 'Members and roles (admin)', tags: ['members'], ok: { 200: json(list('members', 'Member')) }, errors: [400, 401, 403, 429] }),
    post: operation({
      summary: 'Add a user with a role (admin; owner role needs owner)',
      description: 'Adds an existing user. The bootstrap admin token may also create the account; the generated password is returned once.',
      tags: ['members'], body: ref('MemberAdd'), ok: { 200: json(ref('Member')), 201: json(ref('Member'), 'Account created') }, errors: [400, 401, 403, 404, 409, 413, 429],
    }),
  },
  '/api/v1/sites/{site}/members/{user}': {
    parameters: [SITE, USER],
    patch: operation({ summary: "Change a member's role", tags: ['members'], body: ref('RoleChange'), ok: { 200: json(ref('Member')) }, errors: [400, 401, 403, 404, 409, 413, 429] }),
    delete: operation({ summary: 'Remove a member (or leave the site)', tags: ['members'], ok: { 204: noContent }, errors: [400, 401, 403, 404, 409, 429] }),
  },
  '/api/v1/sites/{site}/invitations': {
    parameters: [SITE],
    get: operation({ summary: 'Invitations (admin)', tags: ['members'], ok: { 200: json(list('invitations', 'Invitation')) }, errors: [400, 401, 403, 429] }),
    post: operation({ summary: 'Invite by email; returns the link to pass on', tags: ['members'], body: ref('InvitationCreate'), ok: { 201: json(ref('Invitation'), 'Created') }, errors: [400, 401, 403, 413, 429] }),
  },
  '/api/v1/sites/{site}/invitations/{id}': {
    parameters: [SITE, ID('Invitation')],
    delete: operation({ summary: 'Withdraw an invitation', tags: ['members'], ok: { 204: noContent }, errors: [400, 401, 403, 404, 429] }),
  },
  '/api/v1/sites/{site}/goals': {
    parameters: [SITE],
    get: operation({ summary: 'Goals (viewer)', tags: ['goals'], ok: { 200: json(list('goals', 'Goal')) }, errors: [400, 401, 403, 429] }),
    post: operation({ summary: 'Create a goal: custom event or "Visit /path" with * and ** (admin)', tags: ['goals'], body: ref('GoalCreate'), ok: { 201: json(ref('Goal'), 'Created') }, errors: [400, 401, 403, 404, 409, 413, 429] }),
  },
  '/api/v1/sites/{site}/goals/{id}': {
    parameters: [SITE, ID('Goal')],
    delete: operation({ summary: 'Delete a goal (not while a funnel uses it)', tags: ['goals'], ok: { 204: noContent }, errors: [400, 401, 403, 404, 409, 429] }),
  },
  '/api/v1/sites/{site}/funnels': {
    parameters: [SITE],
    get: operation({ summary: 'Funnel definitions (viewer)', tags: ['goals'], ok: { 200: json(list('funnels', 'Funnel')) }, errors: [400, 401, 403, 429] }),
    post: operation({ summary: 'Create a funnel of 2–8 goal steps (admin)', tags: ['goals'], body: ref('FunnelCreate'), ok: { 201: json(ref('Funnel'), 'Created') }, errors: [400, 401, 403, 413, 429] }),
  },
  '/api/v1/sites/{site}/funnels/{id}': {
    parameters: [SITE, ID('Funnel')],
    delete: operation({ summary: 'Delete a funnel definition (admin)', tags: ['goals'], ok: { 204: noContent }, errors: [400, 401, 403, 404, 429] }),
  },
  '/api/v1/sites/{site}/shares': {
    parameters: [SITE],
    get: operation({ summary: 'Public share links (admin)', tags: ['sites'], ok: { 200: json(list('shares', 'Share')) }, errors: [400, 401, 403, 429] }),
    post: operation({ summary: 'Create a public read-only share link (admin)', tags: ['sites'], body: ref('ShareCreate'), ok: { 201: json(ref('Share'), 'Created') }, errors: [400, 401, 403, 413, 429] }),
  },
  '/api/v1/shares/unlock': {
    post: operation({
      summary: "Trade a password-protected share link's token (Bearer) and its password for a 12-hour token that reads; 10 attempts per link and IP, 100 per link, per 15 minutes",
      tags: ['sites'], body: ref('ShareUnlock'), ok: { 200: json(ref('ShareUnlocked')) }, errors: [400, 401, 413, 429],
    }),
  },
  '/api/v1/sites/{site}/shares/{id}': {
    parameters: [SITE, ID('Share link')],
    delete: operation({ summary: 'Revoke a share link', tags: ['sites'], ok: { 204: noContent }, errors: [400, 401, 403, 404, 429] }),
  },
  '/api/v1/sites/{site}/visitors/{uid}': {
    parameters: [SITE, pathParam('uid', 'The user id the site sent as `uid`')],
    delete: operation({
      summary: "Erase an identified visitor: SiteDO outbox, sessions and realtime, D1 and rollups now; the R2 archive by a background job (GDPR; admin)",
      tags: ['privacy'], ok: { 202: json(ref('Erased'), 'Accepted: the archive job is under way (`Location` is its progress)') }, errors: [400, 401, 403, 404, 429],
    }),
  },
  '/api/v1/sites/{site}/erasures/{id}': {
    parameters: [SITE, ID('Erasure')],
    get: operation({ summary: "An erasure's archive job: pending, running or done, with its progress (admin)", tags: ['privacy'], ok: { 200: json(ref('Erasure')) }, errors: [401, 403, 404, 429] }),
  },
  '/api/v1/sites/{site}/move': {
    parameters: [SITE],
    get: operation({ summary: "Which D1 database holds the site's data, and its last move (operator)", tags: ['operator'], ok: { 200: json({ type: 'object' }) }, errors: [400, 401, 403] }),
    post: operation({
      summary: "Start moving the site's data to another D1 database (operator; `npm run pulse -- site move`)",
      tags: ['operator'], body: { type: 'object', required: ['to'], properties: { to: { type: 'string', examples: ['DB_2'] } } },
      ok: { 202: json({ type: 'object' }, 'Started: step it until `phase` is `done`') }, errors: [400, 401, 403, 404, 409],
    }),
    delete: operation({ summary: 'Abort a move that has not switched yet: writes go back to the home database alone (operator)', tags: ['operator'], ok: { 200: json({ type: 'object' }) }, errors: [401, 403, 409] }),
  },
  '/api/v1/sites/{site}/move/step': {
    parameters: [SITE],
    post: operation({ summary: "Advance the site's move one bounded step: copy, verify, switch, clean up (operator)", tags: ['operator'], ok: { 200: json({ type: 'object' }) }, errors: [401, 403, 404, 409] }),
  },
  '/api/v1/keys': {
    get: operation({ summary: 'API keys the caller manages', tags: ['keys'], parameters: [queryParam('site', 'Only keys naming this site')], ok: { 200: json(list('keys', 'ApiKey')) }, errors: [400, 401, 403] }),
    post: operation({ summary: 'Create an API key (admin on every site it names); the token is shown once', tags: ['keys'], body: ref('ApiKeyCreate'), ok: { 201: json(ref('ApiKeyCreated'), 'Created') }, errors: [400, 401, 403, 404, 413] }),
  },
  '/api/v1/keys/{id}': {
    parameters: [ID('Key')],
    delete: operation({ summary: 'Revoke an API key (effective within seconds everywhere)', tags: ['keys'], ok: { 200: json(ref('ApiKey')) }, errors: [401, 403, 404] }),
  },
};
