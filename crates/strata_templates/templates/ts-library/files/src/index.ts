/**
 * {{ description }}
 *
 * The public interface of {{ name }} (see `interfaces` in module.yaml): other modules import
 * only what this file exports.
 */

/** A greeting for `name`, trimmed; throws a RangeError when it is blank. */
export function greet(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') {
    throw new RangeError('the name is empty');
  }
  return `Hello, ${trimmed}!`;
}

/** The lower-cased words of `text` joined by dashes: "Hello World" -> "hello-world". */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '')
    .join('-');
}
