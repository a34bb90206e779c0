/**
 * The example service: loads its settings (or refuses to start, listing
 * every problem, exit 78), serves them on GET / (secrets redacted), logs
 * each change Plumbline sends, and keeps its last good settings when an
 * update is invalid or Plumbline is down.
 */
import { createServer } from 'node:http';
import { bootstrap } from './settings.ts';

const settings = await bootstrap();
let current = await settings.loadOrExit();

settings.subscribe({
  onChange: (next, previous) => {
    current = next;
    console.log(
      `settings changed: pool.size ${previous.pool.size} -> ${next.pool.size}, greeting "${next.greeting}"`,
    );
  },
  onError: (error) =>
    console.error(`settings update refused, keeping the last good ones:\n${error.format()}`),
});

const server = createServer(async (_request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ greeting: current.greeting, settings: await settings.explain() }, null, 2));
});
server.listen(current.http.port, '127.0.0.1', () => {
  console.log(`orders listening on http://127.0.0.1:${current.http.port} (pool.size ${current.pool.size})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    settings.close();
    server.close(() => process.exit(0));
  });
}
