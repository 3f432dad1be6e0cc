import type { Middleware, Next } from 'koa';
import { httpDuration } from '../metrics/metrics.js';
import type { Services } from '../runtime/services.js';
import { bodyParser } from './body.js';
import type { WebContext, WebState } from './context.js';
import { csrfProtection } from './csrf.js';
import { notFound } from './errors.js';
import { requestLanguage } from './request-language.js';
import { sessionMiddleware } from './session.js';

/** Everything a page request goes through before its route: timing, session + user, language, body, CSRF. */
export function pageStack(s: Services): Middleware<WebState>[] {
  return [
    async (ctx: WebContext, next: Next) => {
      const end = httpDuration.startTimer({ method: ctx.method });
      ctx.state.s = s;
      try {
        await next();
      } finally {
        const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
        end({ route: typeof route === 'string' ? route : 'unmatched', status: String(ctx.status) });
      }
    },
    sessionMiddleware,
    requestLanguage,
    notFound,
    bodyParser(s.config.catalog.maxAttachmentBytes),
    csrfProtection,
  ];
}
