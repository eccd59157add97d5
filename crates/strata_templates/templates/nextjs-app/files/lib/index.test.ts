import { describe, expect, it } from 'vitest';

import { GET as health } from '../app/api/health/route';
import { GET as ready } from '../app/api/ready/route';
import { APP, greeting } from './index';

describe('greeting', () => {
  it('greets by name', () => {
    expect(greeting(' Ada ')).toBe('Hello, Ada!');
  });

  it('asks for a name when there is none', () => {
    expect(greeting('')).toBe('Who are you?');
  });
});

describe('health routes', () => {
  it('answer ok', async () => {
    for (const route of [health, ready]) {
      const res = route();
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', service: APP });
    }
  });
});
