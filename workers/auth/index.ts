/** What other parts of the Worker use from auth: identity, site access, ingest keys, tokens. */
export { authenticateIngest, assertIngestSite, requireAuth, requireSiteAccess, type Access, type Role } from './access';
export { authenticate, requirePrincipal, SESSION_COOKIE, type Principal } from './principal';
export { getJwks } from './signing-keys';
export { parseScopes, type Scope } from './tokens';
