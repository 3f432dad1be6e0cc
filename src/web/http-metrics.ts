import type { Context, Next } from 'koa';
import { httpDuration } from '../metrics/metrics.js';

/**
 * Times every request into the latency histogram. The route label is the router's template
 * ("/tickets/:id"), never the raw path, so the number of series stays bounded.
 */
export async function httpMetrics(ctx: Context, next: Next): Promise<void> {
  const end = httpDuration.startTimer();
  try {
    await next();
  } finally {
    const matched = (ctx as Context & { _matchedRoute?: string | RegExp })._matchedRoute;
    const route = typeof matched === 'string' ? matched : matched ? 'regexp' : 'unmatched';
    end({ method: ctx.method, route, status: String(ctx.status) });
  }
}
