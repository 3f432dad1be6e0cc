import Koa from 'koa';
import { httpMetrics } from '../web/http-metrics.js';
import { opsRoutes } from '../web/ops-routes.js';
import type { HealthCheck } from './health.js';
import { drainable } from './http-drain.js';
import type { RunningPart } from './part.js';
import type { Services } from './services.js';

/** The private listener on METRICS_PORT: /metrics, /healthz and /readyz for any process role. */
export async function startOpsServer(
  s: Services,
  port: number,
  health: Record<string, HealthCheck>,
): Promise<RunningPart> {
  const app = new Koa();
  const router = opsRoutes(s, { health, metrics: true, access: 'open' });
  app.use(httpMetrics);
  app.use(router.routes());
  const server = app.listen(port, s.config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  s.logger.info({ address: server.address() }, 'metrics listener ready');
  return { name: 'metrics', stop: drainable(server) };
}
