import type { Server } from 'node:http';
import { drainable } from '../runtime/http-drain.js';
import type { RunningPart } from '../runtime/part.js';
import type { Services } from '../runtime/services.js';
import { createWebApp, type WebOptions } from './app.js';

export async function startWeb(s: Services, options: WebOptions): Promise<RunningPart & { server: Server }> {
  const app = createWebApp(s, options);
  const server = app.listen(s.config.PORT, s.config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const addr = server.address();
  s.logger.info({ address: addr }, 'web server listening');
  return { name: 'web', server, stop: drainable(server) };
}
