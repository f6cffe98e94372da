/** OpenAPI paths and schemas of the automation resources (DESIGN §4b): annotations, webhooks. */
import { json, noContent, operation, pathParam, queryParam, ref, SITE, type Json } from './helpers';

const str = { type: 'string' };
const dateTime = { type: 'string', format: 'date-time' };
const day = { type: 'string', format: 'date', examples: ['2026-11-30'] };
const list = (key: string, item: string) => ({ type: 'object', properties: { [key]: { type: 'array', items: ref(item) } } });
const ID = (what: string) => pathParam('id', `${what} id`);
const ADMIN = 'Needs `sites:admin` (API key) or the admin role.';

export const automationSchemas: Record<string, Json> = {
  Annotation: {
    type: 'object',
    properties: { id: str, date: { ...day, description: 'Site-local day on the chart' }, text: str, created_at: dateTime, updated_at: dateTime },
  },
  AnnotationCreate: {
    type: 'object', required: ['date', 'text'], additionalProperties: false,
    properties: { date: day, text: { type: 'string', minLength: 1, maxLength: 500 } },
  },
  AnnotationUpdate: {
    type: 'object', additionalProperties: false, minProperties: 1,
    properties: { date: day, text: { type: 'string', minLength: 1, maxLength: 500 } },
  },
};

export const automationPaths: Record<string, Json> = {
  '/api/v1/sites/{site}/annotations': {
    parameters: [SITE],
    get: operation({
      summary: 'Annotations drawn on the main chart (viewer)', tags: ['automation'],
      parameters: [queryParam('from', 'First day, YYYY-MM-DD', day), queryParam('to', 'Last day, YYYY-MM-DD', day)],
      ok: { 200: json(list('annotations', 'Annotation')) }, errors: [400, 401, 403, 429],
    }),
    post: operation({ summary: 'Create an annotation', description: ADMIN, tags: ['automation'], body: ref('AnnotationCreate'), ok: { 201: json(ref('Annotation'), 'Created') }, errors: [400, 401, 403, 404, 409, 413, 429] }),
  },
  '/api/v1/sites/{site}/annotations/{id}': {
    parameters: [SITE, ID('Annotation')],
    patch: operation({ summary: "Change an annotation's date or text", description: ADMIN, tags: ['automation'], body: ref('AnnotationUpdate'), ok: { 200: json(ref('Annotation')) }, errors: [400, 401, 403, 404, 413, 429] }),
    delete: operation({ summary: 'Delete an annotation', description: ADMIN, tags: ['automation'], ok: { 204: noContent }, errors: [400, 401, 403, 404, 429] }),
  },
};
