import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { BASE_PATH, DEFAULT_PORT, handle, portFromEnv, SERVICE } from '../src/index.js';

describe('{{ name }}', () => {
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
      const res = await fetch(base + path);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'ok', service: SERVICE });
    }
  });

  it('names itself under the base path', async () => {
    const res = await fetch(base + BASE_PATH);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).name, SERVICE);
  });

  it('answers 404 elsewhere', async () => {
    assert.equal((await fetch(base + '/nope')).status, 404);
  });

  it('reads the port from the environment', () => {
    assert.equal(portFromEnv({ PORT: '9999' }), 9999);
    assert.equal(portFromEnv({}), DEFAULT_PORT);
  });
});
