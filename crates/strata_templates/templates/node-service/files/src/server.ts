/** The HTTP entry point of {{ name }}: listens on PORT (default {{ port }}). */
import { createServer } from 'node:http';

import { handle, portFromEnv, SERVICE } from './index.js';

const port = portFromEnv();
const server = createServer(handle);

server.listen(port, () => {
  console.log(`${SERVICE} listening on port ${port}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
