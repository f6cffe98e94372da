/** OpenAPI paths of saved segments (workers/api/segments.ts), usable in queries as `["is", "segment", [id]]`. */
import { json, noContent, operation, pathParam, SITE, type Json } from './helpers';

const filters = { type: 'array', minItems: 1, items: {}, description: 'Stats API v2 filters, as in /api/v2/query (no segment inside a segment)' };
const scope = { type: 'string', enum: ['site', 'personal'], description: 'personal (default): only its owner sees it; site: every reader of the site (admins create them)' };
const segment: Json = {
  type: 'object',
  properties: {
    id: { type: 'integer', description: 'use as ["is", "segment", [id]] in query filters' },
    name: { type: 'string' }, scope, filters, owned_by_you: { type: 'boolean' },
    created_at: { type: 'string', format: 'date-time' }, updated_at: { type: 'string', format: 'date-time' },
  },
};
const ID = pathParam('id', 'Segment id', { type: 'integer' });

export const segmentPaths: Record<string, Json> = {
  '/api/v1/sites/{site}/segments': {
    parameters: [SITE],
    get: operation({
      summary: 'Saved segments: the site\'s, and the caller\'s personal ones (stats:read)',
      tags: ['segments'],
      ok: { 200: json({ type: 'object', properties: { segments: { type: 'array', items: segment } } }) },
      errors: [400, 401, 403, 429],
    }),
    post: operation({
      summary: 'Save a segment (personal: any reader with a session or key; site: admin)',
      description: 'A site holds at most 500 segments (409 past that).',
      tags: ['segments'],
      body: { type: 'object', required: ['name', 'filters'], properties: { name: { type: 'string', maxLength: 255 }, filters, scope }, additionalProperties: false },
      ok: { 201: json(segment, 'Created') },
      errors: [400, 401, 403, 404, 409, 413, 429],
    }),
  },
  '/api/v1/sites/{site}/segments/{id}': {
    parameters: [SITE, ID],
    patch: operation({
      summary: 'Change a segment (its owner, or an admin for site segments)',
      tags: ['segments'],
      body: { type: 'object', properties: { name: { type: 'string', maxLength: 255 }, filters, scope }, additionalProperties: false },
      ok: { 200: json(segment) },
      errors: [400, 401, 403, 404, 413, 429],
    }),
    delete: operation({ summary: 'Delete a segment (its owner, or an admin for site segments)', tags: ['segments'], ok: { 204: noContent }, errors: [401, 403, 404, 429] }),
  },
};
