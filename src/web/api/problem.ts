import type { Next } from 'koa';
import type { Lang } from '../../config/config.js';
import { type AppErrorCode, isAppError } from '../../domain/errors.js';
import type { Logger } from '../../infra/logger.js';
import { HTTP_STATUS } from '../errors.js';
import { pageTranslator as translator } from '../translate.js';
import { API_BASE, type ApiContext } from './context.js';

/** The codes a problem may carry: the web's (src/domain/errors.ts), and `internal` for our own failures. */
export type ProblemCode = AppErrorCode | 'internal';

export interface FieldProblem {
  field: string;
  /** The message key of the rule the field broke (the same the web's forms show). */
  code: string;
  detail: string;
}

/** An RFC 9457 problem, with the error code of the domain and, for invalid input, the fields at fault. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  errors?: FieldProblem[];
}

/** The code of an HTTP error that is not an AppError (a malformed body, a wrong method). */
function codeOfStatus(status: number): ProblemCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 413) return 'too_large';
  if (status === 429) return 'rate_limited';
  return status < 500 ? 'invalid' : 'internal';
}

const httpStatusOf = (err: unknown): number | undefined =>
  typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number'
    ? err.status
    : undefined;

/** The problem type's address: its entry in the reference page. */
export const problemType = (publicUrl: string, code: ProblemCode): string =>
  `${publicUrl}${API_BASE}/docs#problem-${code}`;

/** A problem with its title in the language asked for. */
export function problem(
  lang: Lang,
  publicUrl: string,
  p: { code: ProblemCode; status: number; detail: string; errors?: FieldProblem[] },
): Problem {
  return {
    type: problemType(publicUrl, p.code),
    title: translator(lang)(`api:problems.titles.${p.code}`),
    status: p.status,
    detail: p.detail,
    code: p.code,
    ...(p.errors ? { errors: p.errors } : {}),
  };
}

/**
 * The one mapping from failures to problem answers: an AppError keeps its code and status (as on the web), with
 * its fields listed; an HTTP error of the body parser or the router gets the code of its status; anything else
 * is null: an unexpected failure, which the caller logs and answers 500 without details.
 */
export function problemOf(err: unknown, lang: Lang, publicUrl: string): Problem | null {
  const t = translator(lang);
  if (isAppError(err)) {
    const errors = Object.entries(err.fields).map(([field, key]) => ({
      field,
      code: key,
      detail: t(key, err.params),
    }));
    return problem(lang, publicUrl, {
      code: err.code,
      status: HTTP_STATUS[err.code],
      detail: t(err.messageKey, err.params),
      ...(errors.length || err.code === 'invalid' ? { errors } : {}),
    });
  }
  const status = httpStatusOf(err);
  if (status === undefined || status < 400 || status >= 500) return null;
  const detail =
    status === 404
      ? t('api:problems.routeNotFound')
      : status === 405
        ? t('api:problems.methodNotAllowed', { method: '' })
        : status === 413
          ? t('portal:errors.tooLarge')
          : t('api:problems.badRequest');
  return problem(lang, publicUrl, { code: codeOfStatus(status), status, detail });
}

export function sendProblem(ctx: ApiContext, p: Problem): void {
  ctx.status = p.status;
  if (p.status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="izardesk"');
  ctx.set('Cache-Control', 'no-store');
  ctx.body = p;
  ctx.type = 'application/problem+json';
}

/**
 * Every failure of an API request ends here and only here. A path no route took (404) or a route asked with
 * another method (405, with the router's Allow header) is a problem too.
 */
export const problemMiddleware = (logger: Logger) => async (ctx: ApiContext, next: Next) => {
  const { lang } = ctx.state;
  const publicUrl = ctx.state.s.config.PUBLIC_URL;
  const t = translator(lang);
  try {
    await next();
    if (ctx.body != null) return;
    if (ctx.status === 405)
      return sendProblem(
        ctx,
        problem(lang, publicUrl, {
          code: 'invalid',
          status: 405,
          detail: t('api:problems.methodNotAllowed', { method: ctx.method }),
        }),
      );
    if (ctx.status === 404)
      return sendProblem(
        ctx,
        problem(lang, publicUrl, { code: 'not_found', status: 404, detail: t('api:problems.routeNotFound') }),
      );
  } catch (err) {
    const p = problemOf(err, lang, publicUrl);
    if (p) return sendProblem(ctx, p);
    logger.error({ err, method: ctx.method, path: ctx.path, token: ctx.state.caller?.tokenId }, 'api error');
    sendProblem(
      ctx,
      problem(lang, publicUrl, { code: 'internal', status: 500, detail: t('api:problems.internal') }),
    );
  }
};
