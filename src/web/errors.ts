import type { Context, Next } from 'koa';
import { type AppErrorCode, isAppError } from '../domain/errors.js';
import type { Logger } from '../infra/logger.js';

/** The one mapping from expected failures to HTTP statuses. */
export const HTTP_STATUS: Record<AppErrorCode, number> = {
  invalid: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  too_large: 413,
};

/**
 * Expected errors become their status with a short body (pages render their own forms before this);
 * anything else is logged with its context and answered 500 without details.
 */
export const errorMiddleware = (logger: Logger) => async (ctx: Context, next: Next) => {
  try {
    await next();
  } catch (err) {
    if (isAppError(err)) {
      ctx.status = HTTP_STATUS[err.code];
      ctx.body = ctx.state.renderError
        ? ctx.state.renderError(err)
        : { error: err.code, message: err.messageKey };
      return;
    }
    const status = (err as { status?: number; expose?: boolean }).status;
    if (status && status < 500) {
      ctx.status = status;
      ctx.body = { error: (err as Error).message };
      return;
    }
    logger.error(
      { err, method: ctx.method, path: ctx.path, user: ctx.state.user?.id },
      'unhandled web error',
    );
    ctx.status = 500;
    ctx.body = { error: 'internal' };
  }
};
