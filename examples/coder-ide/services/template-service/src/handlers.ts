import { createLogger } from '@coder/logging';

/** Requests template-service answers. */
export interface TemplateServiceRequest {
  userId: string;
  payload: string;
}

const log = createLogger('template-service');

export async function handle(request: TemplateServiceRequest): Promise<string> {
  log.info('request', { userId: request.userId });
  return `template-service: ${request.payload}`;
}
