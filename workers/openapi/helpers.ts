/** Small builders that keep the OpenAPI path tables readable: one line per parameter or error. */

export type Json = Record<string, unknown>;

const ERROR_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'TooLarge',
  429: 'RateLimited',
  503: 'NotConfigured',
};

export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

export const json = (schema: Json, description = 'OK'): Json => ({
  description,
  content: { 'application/json': { schema } },
});

export const noContent: Json = { description: 'Done; no body' };

export const pathParam = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});

export const queryParam = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

export const SITE = pathParam('site', 'Site id (its domain), e.g. example.com');

export interface OperationSpec {
  summary: string;
  description?: string;
  tags: string[];
  /** omit for the default (any Pulse credential); [] for public routes */
  security?: Json[];
  parameters?: Json[];
  body?: Json;
  /** successful responses by status */
  ok: Record<string, Json>;
  /** error statuses the route can return */
  errors: number[];
}

export function operation(spec: OperationSpec): Json {
  const responses: Json = { ...spec.ok };
  for (const status of spec.errors) responses[String(status)] = { $ref: `#/components/responses/${ERROR_NAMES[status]}` };
  return {
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    ...(spec.security ? { security: spec.security } : {}),
    ...(spec.parameters?.length ? { parameters: spec.parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
    responses,
  };
}

export function errorResponses(): Json {
  const error = { content: { 'application/json': { schema: ref('Error') } } };
  return {
    BadRequest: { description: 'Invalid input; `error` names the bad part', ...error },
    Unauthorized: {
      description: 'No credential, or a malformed, expired, revoked or wrongly signed token',
      headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
      ...error,
    },
    Forbidden: { description: 'Authenticated, but the role, scope or site does not allow this', ...error },
    NotFound: { description: 'No such site or object', ...error },
    Conflict: { description: 'Exists already, or would leave the site without an owner', ...error },
    TooLarge: { description: 'Body over 64 KB', ...error },
    RateLimited: {
      description: "Past the key's hourly limit, too many sign-in attempts, or a flood",
      headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
      ...error,
    },
    NotConfigured: { description: 'A required secret is missing', ...error },
  };
}
