/**
 * {{ description }}
 *
 * The public interface of {{ name }} (see `interfaces` in module.yaml): logic the pages use,
 * kept out of components so that it tests without a browser.
 */

export const APP = '{{ name }}';
export const VERSION = '{{ version }}';

export function greeting(name: string): string {
  const trimmed = name.trim();
  return trimmed === '' ? 'Who are you?' : `Hello, ${trimmed}!`;
}

export function status(): { status: 'ok'; service: string } {
  return { status: 'ok', service: APP };
}
