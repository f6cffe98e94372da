/** The OpenAPI 3.1 document of the whole Worker, served at `/api/openapi.json`. */
import { jsonResponse } from '../lib/http-error';
import { errorResponses, type Json } from './helpers';
import { analyticsPaths } from './paths-analytics';
import { managementPaths } from './paths-management';
import { segmentPaths } from './paths-segments';
import { statsV1Paths } from './paths-stats-v1';
import { performancePaths } from './paths-performance';
import { reportPaths } from './paths-reports';
import { automationPaths, automationSchemas } from './paths-automation';
import { schemas } from './schemas';

export function buildOpenApiDocument(serverUrl?: string): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pulse',
      version: '1.0.0',
      description:
        'Privacy-first web analytics. API keys are ES256 JWTs (verify with /.well-known/jwks.json) carrying `sites` and `scope`; each key has an hourly rate limit (429 with Retry-After).',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    // Default: any Pulse credential; each operation narrows it in its description.
    security: [{ apiKey: [] }, { session: [] }, { cookie: [] }, { admin: [] }],
    paths: mergePaths(analyticsPaths, statsV1Paths, reportPaths, performancePaths, managementPaths, segmentPaths, automationPaths),
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'API key (ES256 JWT, audience pulse:api)' },
        session: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Session token from sign-in (audience pulse:session)' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'pulse_session' },
        share: { type: 'apiKey', in: 'query', name: 'auth', description: 'Public share link token (read only)' },
        admin: { type: 'http', scheme: 'bearer', description: 'Bootstrap admin token (PULSE_ADMIN_TOKEN), used by the CLI' },
      },
      schemas: { ...schemas, ...automationSchemas },
      responses: errorResponses(),
    },
  };
}

/** Path tables joined; one path may have operations in several (a stored funnel: read here, deleted there). */
function mergePaths(...tables: Record<string, Json>[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const table of tables) for (const [path, item] of Object.entries(table)) out[path] = { ...out[path], ...item };
  return out;
}

// The document is static apart from the server URL; build it once per isolate.
let cached: Json | null = null;

export function getOpenApiDocument(request: Request): Response {
  cached ??= buildOpenApiDocument();
  const servers = [{ url: new URL(request.url).origin }];
  return jsonResponse({ ...cached, servers }, 200, { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' });
}
