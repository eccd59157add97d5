import { complete } from '@coder/ai-service';

export type Vector = number[];

/** A fixed-size embedding of a text, computed from the model's tokenisation. */
export async function embed(text: string, size = 8): Promise<Vector> {
  const completion = await complete(text, 'embedding');
  const vector = new Array<number>(size).fill(0);
  completion.text.split('').forEach((ch, i) => {
    vector[i % size] += ch.charCodeAt(0) / 255;
  });
  return vector;
}
