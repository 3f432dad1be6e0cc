import { createServer, type Server } from 'node:http';
import { drainable } from '../runtime/http-drain.js';
import type { RunningPart } from '../runtime/part.js';
import type { Services } from '../runtime/services.js';
import { createWebApp, type WebOptions } from './app.js';

/**
 * The HTTP server of the web app, with its timeouts: a request must send its headers within
 * HTTP_HEADERS_TIMEOUT_MS and all of it within HTTP_REQUEST_TIMEOUT_MS (Node answers 408 and closes the socket),
 * so slow clients cannot hold descriptors for minutes. Expired requests are looked for every second (Node's
 * default is 30 s, which would double the timeout).
 */
export function createWebServer(s: Services, options: WebOptions): Server {
  const app = createWebApp(s, options);
  return createServer(
    {
      requestTimeout: s.config.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeout: s.config.HTTP_HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: 1000,
    },
    app.callback(),
  );
}

export async function startWeb(s: Services, options: WebOptions): Promise<RunningPart & { server: Server }> {
  const server = createWebServer(s, options);
  server.listen(s.config.PORT, s.config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const addr = server.address();
  s.logger.info({ address: addr }, 'web server listening');
  return { name: 'web', server, stop: drainable(server) };
}
