import { status } from '../../../lib/index';

/** Liveness: GET /api/health. */
export function GET(): Response {
  return Response.json(status());
}

export const dynamic = 'force-dynamic';
