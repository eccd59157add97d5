import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { execute, GRAPHQL_PATH, handle, SERVICE } from '../src/index.js';

describe('schema', () => {
  it('resolves info and greet', async () => {
    const result = await execute('{ info { name } greet(name: " Ada ") }');
    assert.equal(result.errors, undefined);
    // graphql-js builds results with null prototypes: compare their JSON.
    assert.deepEqual(JSON.parse(JSON.stringify(result.data)), {
      info: { name: SERVICE },
      greet: 'Hello, Ada!',
    });
  });

  it('reports resolver errors', async () => {
    const result = await execute('query ($n: String!) { greet(name: $n) }', { n: ' ' });
    assert.equal(result.errors?.[0]?.message, 'the name is empty');
  });
});

describe('{{ name }} over HTTP', () => {
  let server: Server;
  let base = '';

  before(async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers /health and /ready', async () => {
    for (const path of ['/health', '/ready']) {
      assert.equal((await fetch(base + path)).status, 200);
    }
  });

  it('answers a GraphQL POST', async () => {
    const res = await fetch(base + GRAPHQL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ info { version } }' }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { data: { info: { version: '{{ version }}' } } });
  });

  it('refuses a body that is not JSON', async () => {
    const res = await fetch(base + GRAPHQL_PATH, { method: 'POST', body: 'nope' });
    assert.equal(res.status, 400);
  });
});
