/**
 * {{ description }}
 *
 * The public interface of {{ name }}: its name, port and request handler. Health endpoints
 * answer at the root; GraphQL answers POST {{ base_path }}/graphql (see openapi.yaml and
 * schema.graphql).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { execute } from './schema.js';

export { execute, schema, typeDefs } from './schema.js';

export const SERVICE = '{{ name }}';
export const VERSION = '{{ version }}';
export const BASE_PATH = '{{ base_path }}';
export const GRAPHQL_PATH = `${BASE_PATH}/graphql`;
/** The port module.yaml declares; the PORT environment variable overrides it. */
export const DEFAULT_PORT = {{ port }};
/** Request bodies above this size are refused. */
const MAX_BODY = 1 << 20;

export function portFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const port = Number(env.PORT);
  return Number.isInteger(port) && port > 0 ? port : DEFAULT_PORT;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) {
      throw new RangeError('request body too large');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function graphqlRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let request: { query?: unknown; variables?: unknown; operationName?: unknown };
  try {
    request = JSON.parse(await readBody(req));
  } catch {
    json(res, 400, { errors: [{ message: 'the body must be JSON: {"query": "..."}' }] });
    return;
  }
  if (typeof request.query !== 'string') {
    json(res, 400, { errors: [{ message: 'missing "query"' }] });
    return;
  }
  const result = await execute(
    request.query,
    (request.variables ?? undefined) as Record<string, unknown> | undefined,
    typeof request.operationName === 'string' ? request.operationName : undefined,
  );
  json(res, 200, result);
}

/** Every route of the service. */
export function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://service.invalid').pathname;
  if (req.method === 'GET' && (path === '/health' || path === '/ready')) {
    json(res, 200, { status: 'ok', service: SERVICE });
    return;
  }
  if (req.method === 'GET' && path === BASE_PATH) {
    json(res, 200, { name: SERVICE, version: VERSION });
    return;
  }
  if (path === GRAPHQL_PATH) {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' });
      res.end();
      return;
    }
    graphqlRequest(req, res).catch((err: unknown) => {
      json(res, 500, { errors: [{ message: String(err) }] });
    });
    return;
  }
  json(res, 404, { error: 'not found' });
}
