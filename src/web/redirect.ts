import type { WebContext } from './context.js';

/** The answer to a form that worked: 303 See Other, so the browser GETs the page (reload sends nothing again). */
export function seeOther(ctx: WebContext, to: string): void {
  ctx.redirect(to);
  ctx.status = 303;
}
