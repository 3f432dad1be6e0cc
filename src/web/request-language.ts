import type { Next } from 'koa';
import { LANGUAGES, type Lang } from '../config/config.js';
import { isLang } from '../i18n/i18n.js';
import type { WebContext } from './context.js';
import { pageTranslator } from './translate.js';

export const LANG_COOKIE = 'izd_lang';

/** The language of a visitor who is not signed in: her choice (query, cookie), else the browser's, else the default. */
export function visitorLanguage(ctx: WebContext): Lang {
  const chosen = ctx.query.lang;
  return (
    [
      typeof chosen === 'string' ? chosen : undefined,
      ctx.cookies.get(LANG_COOKIE),
      ctx.acceptsLanguages([...LANGUAGES]),
    ].find(isLang) ?? ctx.state.s.config.DEFAULT_LANGUAGE
  );
}

/** The page language: the user's setting, else the visitor's choice (cookie), else the browser's, else the default. */
export async function requestLanguage(ctx: WebContext, next: Next): Promise<void> {
  const chosen = ctx.query.lang;
  if (typeof chosen === 'string' && isLang(chosen)) {
    ctx.cookies.set(LANG_COOKIE, chosen, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 86400_000 });
  }
  const lang: Lang = isLang(ctx.state.user?.language) ? ctx.state.user.language : visitorLanguage(ctx);
  ctx.state.lang = lang;
  ctx.state.t = pageTranslator(lang);
  return next();
}
