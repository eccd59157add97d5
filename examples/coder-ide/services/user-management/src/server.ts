import { createServer } from 'node:http';

import { PORT } from './index';

/** The HTTP entry point of user-management: health endpoints and the API under its base path. */
const server = createServer((req, res) => {
  if (req.url === '/health' || req.url === '/ready') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', service: 'user-management' }));
    return;
  }
  res.writeHead(req.url?.startsWith('/api/v1/user-management') ? 501 : 404);
  res.end();
});

server.listen(PORT);
