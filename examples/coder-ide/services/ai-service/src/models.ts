import { getSecret } from '@coder/secret-management';

/** One call to a language model. */
export interface Completion {
  model: string;
  text: string;
  tokens: number;
}

export async function complete(prompt: string, model = 'default'): Promise<Completion> {
  const key = getSecret('model-api-key');
  if (!key) {
    throw new Error('model-api-key is not configured');
  }
  const text = prompt.trim();
  return { model, text, tokens: text.split(/\s+/).length };
}
