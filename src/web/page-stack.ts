import type { Middleware, Next } from 'koa';
import type { Services } from '../runtime/services.js';
import { bodyParser } from './body.js';
import type { WebContext, WebState } from './context.js';
import { csrfProtection } from './csrf.js';
import { notFound } from './errors.js';
import { requestLanguage } from './request-language.js';
import { sessionMiddleware } from './session.js';
import { uploadGate } from './upload-gate.js';

/**
 * Everything a page request goes through before its route (timing is http-metrics.ts): session + user,
 * language, the upload gate (who may send a multipart body, checked before it is read), body, CSRF.
 */
export function pageStack(s: Services): Middleware<WebState>[] {
  return [
    async (ctx: WebContext, next: Next) => {
      ctx.state.s = s;
      await next();
    },
    sessionMiddleware,
    requestLanguage,
    notFound,
    uploadGate(s.config.UPLOADS_PER_IP),
    bodyParser(s.config.catalog.maxAttachmentBytes),
    csrfProtection,
  ];
}
