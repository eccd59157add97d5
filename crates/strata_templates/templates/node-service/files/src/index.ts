/**
 * {{ description }}
 *
 * The public interface of {{ name }}: its name, port and request handler. Health endpoints
 * answer at the root, the API under {{ base_path }} (see openapi.yaml).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const SERVICE = '{{ name }}';
export const VERSION = '{{ version }}';
export const BASE_PATH = '{{ base_path }}';
/** The port module.yaml declares; the PORT environment variable overrides it. */
export const DEFAULT_PORT = {{ port }};

export function portFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const port = Number(env.PORT);
  return Number.isInteger(port) && port > 0 ? port : DEFAULT_PORT;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
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
  json(res, 404, { error: 'not found' });
}
