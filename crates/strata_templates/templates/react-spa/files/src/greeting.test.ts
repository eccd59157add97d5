import { describe, expect, it } from 'vitest';

import { greeting } from './greeting';

describe('greeting', () => {
  it('greets by name', () => {
    expect(greeting('  Ada ')).toBe('Hello, Ada!');
  });

  it('asks for a name when there is none', () => {
    expect(greeting(' ')).toBe('Who are you?');
  });
});
