import { complete } from '@coder/ai-service';
import { createLogger } from '@coder/logging';

/** Requests prompt-service answers. */
export interface PromptServiceRequest {
  userId: string;
  payload: string;
}

const log = createLogger('prompt-service');

export async function handle(request: PromptServiceRequest): Promise<string> {
  log.info('request', { userId: request.userId });
  const completeResult = (await complete(request.payload)).tokens;
  return `prompt-service: ${request.payload} ${completeResult}`.trim();
}
