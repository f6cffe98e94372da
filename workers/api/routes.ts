/**
 * Mounts the management API (`/api/v1`), the JWKS and the OpenAPI document on the Worker's
 * router. Handlers live in one module per resource; each checks access itself.
 */
import type { IRequest, RouterType } from 'itty-router';
import { getJwks } from '../auth/signing-keys';
import type { Env } from '../env';
import { getOpenApiDocument } from '../openapi/document';
import { eraseVisitor, getErasure } from './erase';
import { createFunnel, createGoal, deleteFunnel, deleteGoal, listFunnels, listGoals } from './goals';
import { createKey, listKeys, revokeKey } from './keys';
import { acceptInvitation, addMember, changeRole, createInvitation, deleteInvitation, listInvitations, listMembers, removeMember } from './members';
import { changePassword, signIn, signOut, whoAmI } from './sessions';
import { createSegment, deleteSegment, listSegments, updateSegment } from './segments';
import { createShare, listShares, revokeShare } from './shares';
import { unlockShare } from './shares-unlock';
import { createSite, deleteSite, getSite, listSites, resetSite, updateSite } from './sites';
import { deleteMove, getMove, postMove, postMoveStep } from '../site-move/routes';

type Args = [Env, ExecutionContext];

export function mountManagementRoutes(router: RouterType<IRequest, Args>): void {
  const site = '/api/v1/sites/:site';
  router
    .get('/.well-known/jwks.json', (_req, env) => getJwks(env))
    .get('/api/openapi.json', (req) => getOpenApiDocument(req))
    .post('/api/v1/auth/sign-in', signIn)
    .post('/api/v1/auth/sign-out', signOut)
    .get('/api/v1/auth/me', whoAmI)
    .post('/api/v1/auth/password', changePassword)
    .post('/api/v1/invitations/accept', acceptInvitation)
    .post('/api/v1/shares/unlock', unlockShare)
    .get('/api/v1/sites', listSites)
    .post('/api/v1/sites', createSite)
    .get(site, getSite)
    .patch(site, updateSite)
    .delete(site, deleteSite)
    .post(`${site}/reset`, resetSite)
    .get(`${site}/members`, listMembers)
    .post(`${site}/members`, addMember)
    .patch(`${site}/members/:user`, changeRole)
    .delete(`${site}/members/:user`, removeMember)
    .get(`${site}/invitations`, listInvitations)
    .post(`${site}/invitations`, createInvitation)
    .delete(`${site}/invitations/:id`, deleteInvitation)
    .get(`${site}/goals`, listGoals)
    .post(`${site}/goals`, createGoal)
    .delete(`${site}/goals/:id`, deleteGoal)
    .get(`${site}/funnels`, listFunnels)
    .post(`${site}/funnels`, createFunnel)
    .delete(`${site}/funnels/:id`, deleteFunnel)
    .get(`${site}/segments`, listSegments)
    .post(`${site}/segments`, createSegment)
    .patch(`${site}/segments/:id`, updateSegment)
    .delete(`${site}/segments/:id`, deleteSegment)
    .get(`${site}/shares`, listShares)
    .post(`${site}/shares`, createShare)
    .delete(`${site}/shares/:id`, revokeShare)
    .delete(`${site}/visitors/:uid`, eraseVisitor)
    .get(`${site}/erasures/:id`, getErasure)
    .get(`${site}/move`, getMove)
    .post(`${site}/move`, postMove)
    .delete(`${site}/move`, deleteMove)
    .post(`${site}/move/step`, postMoveStep)
    .get('/api/v1/keys', listKeys)
    .post('/api/v1/keys', createKey)
    .delete('/api/v1/keys/:id', revokeKey);
}
