/** Component schemas of the OpenAPI document: the JSON bodies the Worker accepts and returns. */
import type { Json } from './helpers';

const str = { type: 'string' };
const dateTime = { type: 'string', format: 'date-time' };
const role = { type: 'string', enum: ['owner', 'admin', 'viewer'] };
const scope = { type: 'string', description: 'Space-separated: stats:read, events:write, sites:admin', examples: ['stats:read events:write'] };

const floodLimit = {
  type: 'object',
  additionalProperties: false,
  required: ['per_second', 'burst'],
  description: 'Events per second (sustained) and burst the site takes before answering 429; default 1000 and 5000',
  properties: { per_second: { type: 'number', minimum: 1, maximum: 1000000 }, burst: { type: 'integer', minimum: 1, maximum: 10000000 } },
};

export const schemas: Record<string, Json> = {
  Error: {
    type: 'object',
    description: 'Every error answers this shape; `error` is for people, `code` for programs.',
    required: ['error', 'code'],
    properties: {
      error: str,
      code: { type: 'string', examples: ['invalid_event', 'invalid_query', 'unauthorized', 'invalid_token', 'forbidden', 'insufficient_scope', 'not_found', 'rate_limited'] },
    },
  },
  FieldErrors: {
    type: 'object',
    description: "The Events API's invalid input: the error shape, plus the bad fields (Plausible's `errors` key)",
    required: ['error', 'code', 'errors'],
    properties: {
      error: { type: 'string', const: 'invalid event' },
      code: { type: 'string', const: 'invalid_event' },
      errors: { type: 'object', additionalProperties: { type: 'array', items: str } },
    },
  },
  Site: {
    type: 'object',
    properties: {
      id: str,
      domain: str,
      timezone: { type: 'string', examples: ['Europe/Berlin'] },
      retention_days: { type: 'integer' },
      allowed_hostnames: { type: 'array', items: str },
      public: { type: 'boolean' },
      flood_limit: { type: 'object', properties: { per_second: { type: 'number' }, burst: { type: 'integer' } } },
      created_at: dateTime,
      role: { ...role, description: "The caller's role" },
    },
  },
  SiteCreate: {
    type: 'object',
    required: ['domain'],
    properties: {
      domain: str,
      timezone: { type: 'string', default: 'UTC' },
      retention_days: { type: 'integer', minimum: 1, maximum: 3650, default: 395 },
      allowed_hostnames: { type: 'array', items: str, maxItems: 50 },
      public: { type: 'boolean', default: false },
      flood_limit: floodLimit,
    },
  },
  SiteUpdate: {
    type: 'object',
    additionalProperties: false,
    properties: {
      timezone: str,
      retention_days: { type: 'integer', minimum: 1, maximum: 3650 },
      allowed_hostnames: { type: 'array', items: str, maxItems: 50 },
      public: { type: 'boolean' },
      flood_limit: floodLimit,
    },
  },
  SiteDeleted: {
    type: 'object',
    properties: {
      deleted: str,
      rows_deleted: { type: 'object', additionalProperties: { type: 'integer' } },
      archive_objects_deleted: { type: 'integer' },
      archive_done: { type: 'boolean', description: 'false: the rest of a large archive is deleted by the hourly cron' },
      tokens_revoked: { type: 'integer' },
      site_objects_purged: { type: 'integer', description: 'SiteDO shards emptied (outbox, sessions, realtime, salts)' },
    },
  },
  SiteReset: { type: 'object', required: ['confirm'], properties: { confirm: { type: 'string', description: "the site's domain, typed to confirm" } } },
  SiteStatsReset: {
    type: 'object',
    properties: {
      reset: str,
      stats_start: { ...dateTime, description: 'the new incarnation: Queue messages sent before it are dropped' },
      rows_deleted: { type: 'object', additionalProperties: { type: 'integer' } },
      archive_objects_deleted: { type: 'integer' },
      archive_done: { type: 'boolean', description: 'false: the rest of a large archive is deleted by the hourly cron' },
      site_objects_purged: { type: 'integer', description: 'SiteDO shards emptied (outbox, sessions, realtime, salts)' },
    },
  },
  SignIn: { type: 'object', required: ['email', 'password'], properties: { email: { type: 'string', format: 'email' }, password: str } },
  Session: {
    type: 'object',
    description: 'Also set as the HttpOnly `pulse_session` cookie',
    properties: { token: str, expires_at: dateTime, user: { type: 'object', properties: { id: str, email: str } } },
  },
  PasswordChange: {
    type: 'object',
    required: ['current_password', 'new_password'],
    properties: { current_password: str, new_password: { type: 'string', minLength: 10 } },
  },
  WhoAmI: {
    type: 'object',
    properties: {
      kind: { type: 'string', enum: ['admin', 'user', 'key', 'share'] },
      user: { type: 'object', properties: { id: str, email: str } },
      sites: { type: 'array', items: {} },
      key_id: str,
      scope,
      site: str,
      operator: { type: 'boolean', description: 'The admin token, or a signed-in user listed in PULSE_OPERATOR_EMAILS: may read /api/v1/status and manage its alert rules' },
    },
  },
  Member: { type: 'object', properties: { user_id: str, email: str, role, created_at: { type: 'integer' }, password: { ...str, description: 'Generated password, shown once, when the account was created' } } },
  MemberAdd: {
    type: 'object',
    required: ['email', 'role'],
    properties: { email: { type: 'string', format: 'email' }, role, password: { type: 'string', minLength: 10, description: 'New accounts only (bootstrap admin); generated when omitted' } },
  },
  RoleChange: { type: 'object', required: ['role'], properties: { role } },
  Invitation: {
    type: 'object',
    properties: { id: str, site: str, email: str, role, token: str, url: str, expires_at: dateTime, accepted_at: { type: ['integer', 'null'] } },
  },
  InvitationCreate: { type: 'object', required: ['email', 'role'], properties: { email: { type: 'string', format: 'email' }, role } },
  InvitationAccept: { type: 'object', required: ['token'], properties: { token: str, password: { ...str, description: 'New password for a new account, or the existing account password' } } },
  Goal: {
    type: 'object',
    properties: { id: str, kind: { type: 'string', enum: ['event', 'page'] }, event_name: { type: ['string', 'null'] }, page_path: { type: ['string', 'null'] }, display_name: str, created_at: dateTime },
  },
  GoalCreate: {
    oneOf: [
      { type: 'object', required: ['event_name'], properties: { event_name: str, display_name: str }, additionalProperties: false },
      { type: 'object', required: ['page_path'], properties: { page_path: { type: 'string', description: '`*` matches within a segment, `**` across segments', examples: ['/blog/**'] }, display_name: str }, additionalProperties: false },
    ],
  },
  Funnel: { type: 'object', properties: { id: str, name: str, steps: { type: 'array', items: str }, created_at: dateTime } },
  FunnelCreate: { type: 'object', required: ['name', 'steps'], properties: { name: str, steps: { type: 'array', items: { type: 'string', description: 'goal id' }, minItems: 2, maxItems: 8 } } },
  ApiKey: {
    type: 'object',
    properties: { id: str, name: str, sites: { type: 'array', items: str }, scope, rate_limit: { type: 'integer', description: 'requests per hour' }, created_at: dateTime, expires_at: dateTime, revoked_at: { type: ['string', 'null'], format: 'date-time' } },
  },
  ApiKeyCreated: { allOf: [{ $ref: '#/components/schemas/ApiKey' }, { type: 'object', properties: { token: { type: 'string', description: 'The ES256 JWT; shown only once' } } }] },
  ApiKeyCreate: {
    type: 'object',
    required: ['sites', 'scope'],
    properties: {
      name: str,
      sites: { type: 'array', items: str, minItems: 1 },
      scope: { oneOf: [scope, { type: 'array', items: { type: 'string', enum: ['stats:read', 'events:write', 'sites:admin'] } }] },
      expires_in_days: { type: 'integer', minimum: 1, maximum: 730, default: 90 },
      rate_limit: { type: 'integer', minimum: 1, default: 600 },
    },
  },
  Share: { type: 'object', properties: { id: str, site: str, name: str, token: { type: ['string', 'null'] }, url: { type: ['string', 'null'] }, password: { type: 'boolean', description: 'the link asks for a password: its token alone answers 401 password_required' }, created_at: dateTime, revoked_at: { type: ['string', 'null'] } } },
  ShareCreate: { type: 'object', properties: { name: str, password: { type: 'string', minLength: 4, maxLength: 200, description: 'optional; stored as a salted PBKDF2 hash, set only at creation' } } },
  ShareUnlock: { type: 'object', required: ['password'], properties: { password: { type: 'string', minLength: 1, maxLength: 200 } } },
  ShareUnlocked: { type: 'object', properties: { token: { type: 'string', description: 'a share token that reads like a link without a password; same jti as the link' }, expires_at: dateTime } },
  Erasure: {
    type: 'object',
    properties: {
      id: str, site: str, status: { type: 'string', enum: ['pending', 'running', 'done'] },
      archive: { type: 'object', properties: { objects_scanned: { type: 'integer' }, objects_rewritten: { type: 'integer' }, lines_removed: { type: 'integer' } } },
      created_at: { type: 'string', format: 'date-time' }, finished_at: { type: ['string', 'null'], format: 'date-time' },
    },
  },
  Erased: {
    allOf: [
      { $ref: '#/components/schemas/Erasure' },
      { type: 'object', properties: { events_deleted: { type: 'integer' }, sessions_deleted: { type: 'integer' }, outbox_events_deleted: { type: 'integer' }, dead_letters_scrubbed: { type: 'integer' }, rollup_days_rebuilt: { type: 'integer' } } },
    ],
  },
  Jwks: { type: 'object', properties: { keys: { type: 'array', items: { type: 'object', properties: { kty: str, crv: str, x: str, y: str, kid: str, alg: str, use: str } } } } },
};
