/** The text the app shows for a name: logic kept out of components so that it tests without a DOM. */
export function greeting(name: string): string {
  const trimmed = name.trim();
  return trimmed === '' ? 'Who are you?' : `Hello, ${trimmed}!`;
}
