/**
 * `/mcp`: the Model Context Protocol over Streamable HTTP (DESIGN §4c), built on the official SDK's
 * web-standard transport. Stateless: each request gets a fresh server and transport (a Worker
 * isolate keeps no session), answered as JSON. The caller must present a Pulse credential; each
 * tool call is then an API request made with it (tools.ts), through `callApi` (the Worker's own
 * router, passed in so this module does not import it).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { authenticate } from '../auth/principal';
import type { Env } from '../env';
import { HttpError } from '../lib/http-error';
import { checkDeclaredLength } from '../lib/body';
import { TOOLS, type ToolSpec } from './tools';

export type CallApi = (request: Request) => Promise<Response>;

// API answers are cut here before they reach a model's context
const MAX_RESULT_CHARS = 100_000;

async function runTool(tool: ToolSpec, args: Record<string, unknown>, origin: string, authorization: string, callApi: CallApi) {
  const { method, path, body } = tool.call(args);
  const res = await callApi(new Request(`${origin}${path}`, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
  const text = await res.text();
  return {
    content: [{ type: 'text' as const, text: text.length > MAX_RESULT_CHARS ? `${text.slice(0, MAX_RESULT_CHARS)}…(cut)` : text }],
    isError: !res.ok,
  };
}

export function buildMcpServer(origin: string, authorization: string, callApi: CallApi): McpServer {
  const server = new McpServer({ name: 'pulse', version: '1.0.0' });
  for (const tool of TOOLS) {
    server.registerTool(tool.name, { title: tool.title, description: tool.description, inputSchema: tool.input }, (args: Record<string, unknown>) => runTool(tool, args, origin, authorization, callApi));
  }
  return server;
}

export async function handleMcp(request: Request, env: Env, callApi: CallApi): Promise<Response> {
  checkDeclaredLength(request);
  const authorization = request.headers.get('authorization') ?? '';
  // no session cookies here: an MCP client sends a key (or a session token) as a bearer token
  if (!authorization || !(await authenticate(request, env))) {
    throw new HttpError(401, 'unauthorized', 'send a Pulse API key as Authorization: Bearer <key>', { 'www-authenticate': 'Bearer realm="pulse"' });
  }
  const server = buildMcpServer(new URL(request.url).origin, authorization, callApi);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  return transport.handleRequest(request);
}
