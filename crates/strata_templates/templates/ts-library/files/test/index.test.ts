import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { greet, slugify } from '../src/index.js';

describe('greet', () => {
  it('greets by name', () => {
    assert.equal(greet('  Ada '), 'Hello, Ada!');
  });

  it('rejects a blank name', () => {
    assert.throws(() => greet('   '), RangeError);
  });
});

describe('slugify', () => {
  it('joins words with dashes', () => {
    assert.equal(slugify('Hello, World!'), 'hello-world');
    assert.equal(slugify(''), '');
  });
});
