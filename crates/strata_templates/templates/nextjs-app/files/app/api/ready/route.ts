import { status } from '../../../lib/index';

/** Readiness: GET /api/ready (check the app's dependencies here; answer 503 until ready). */
export function GET(): Response {
  return Response.json(status());
}

export const dynamic = 'force-dynamic';
