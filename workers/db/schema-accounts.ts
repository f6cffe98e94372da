/**
 * Accounts, roles, keys and report definitions (DESIGN §7). Times are epoch milliseconds.
 * Secrets are never stored in the clear: passwords as PBKDF2 hashes, invitation tokens as SHA-256
 * hashes; API keys and share links are signed JWTs, so only their ids and `jti`s live here.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(), // stored lower-cased
    passwordHash: text('password_hash').notNull(), // base64 PBKDF2-SHA256 output
    passwordSalt: text('password_salt').notNull(), // base64, 16 random bytes per user
    passwordIterations: integer('password_iterations').notNull(),
    /** bumped on password change: session JWTs carry it, so older sessions stop working */
    tokenVersion: integer('token_version').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_email').on(t.email)],
);

/** A user's role on one site: owner > admin > viewer. */
export const memberships = sqliteTable(
  'memberships',
  {
    siteId: text('site_id').notNull(),
    userId: text('user_id').notNull(),
    role: text('role', { enum: ['owner', 'admin', 'viewer'] }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.userId] }), index('memberships_user').on(t.userId)],
);

export const invitations = sqliteTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    email: text('email').notNull(),
    role: text('role', { enum: ['owner', 'admin', 'viewer'] }).notNull(),
    tokenHash: text('token_hash').notNull(), // hex SHA-256 of the emailed token
    invitedBy: text('invited_by'), // user id, API key id (`key_…`), or null: the bootstrap admin token
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    acceptedAt: integer('accepted_at'),
  },
  (t) => [uniqueIndex('invitations_token').on(t.tokenHash), index('invitations_site').on(t.siteId)],
);

/** API keys: the token is shown once; this row lets owners list and revoke it. */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(), // the JWT `sub`
    name: text('name').notNull(),
    sites: text('sites').notNull(), // JSON array of site ids, as in the `sites` claim
    scope: text('scope').notNull(), // space-separated, as in the `scope` claim
    rateLimit: integer('rate_limit').notNull(), // requests per hour, also in the `rl` claim
    jti: text('jti').notNull(),
    createdBy: text('created_by'), // user id; null when made with the bootstrap admin token
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_jti').on(t.jti)],
);

/** Public read-only links to one site's stats (a signed, revocable token). */
export const shareLinks = sqliteTable(
  'share_links',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    name: text('name').notNull(),
    jti: text('jti').notNull(),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
    /** optional password (PBKDF2 like users'); null: the link alone opens the dashboard */
    passwordHash: text('password_hash'),
    passwordSalt: text('password_salt'),
    passwordIterations: integer('password_iterations'),
  },
  (t) => [uniqueIndex('share_links_jti').on(t.jti), index('share_links_site').on(t.siteId)],
);

/**
 * The deny-list for every token kind (API keys, sessions, share links). Isolates cache the
 * unexpired rows and refresh every few seconds, so verification needs no D1 read per request.
 */
export const revocations = sqliteTable(
  'revocations',
  {
    jti: text('jti').primaryKey(),
    revokedAt: integer('revoked_at').notNull(),
    expiresAt: integer('expires_at').notNull(), // the token's own exp: rows past it can go
  },
  (t) => [index('revocations_expires').on(t.expiresAt)],
);

/** Conversion goals: a custom event name, or "Visit <path pattern>" with `*` / `**` wildcards. */
export const goals = sqliteTable(
  'goals',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    kind: text('kind', { enum: ['event', 'page'] }).notNull(),
    eventName: text('event_name'), // kind = event
    pagePath: text('page_path'), // kind = page
    /** "Signup" or "Visit /blog/**": the `event:goal` dimension value */
    displayName: text('display_name').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('goals_site_name').on(t.siteId, t.displayName)],
);

/** Funnels: 2–8 ordered goal steps within one session. */
export const funnels = sqliteTable(
  'funnels',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    name: text('name').notNull(),
    steps: text('steps').notNull(), // JSON array of goal ids, in order
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('funnels_site').on(t.siteId)],
);
