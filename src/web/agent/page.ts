import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'koa';
import type { WebContext } from '../context.js';
import { type HtmlValue, html } from '../html.js';
import { renderPage } from '../layout.js';

export type AgentSection =
  | 'queue'
  | 'incidents'
  | 'customers'
  | 'quarantine'
  | 'reports'
  | 'staff'
  | 'import'
  | 'sla'
  | 'teams'
  | 'routing'
  | 'mailboxes'
  | 'canned'
  | 'admin'
  | 'notifications'
  | 'audit'
  | 'webhooks'
  | 'apiTokens';

// Next to this module, in src/ and in dist/ alike (the build copies it).
const css = readFileSync(join(import.meta.dirname, 'agent.css'));
const cssHash = createHash('sha256').update(css).digest('hex').slice(0, 12);
export const AGENT_CSS_PATH = '/agent/assets/agent.css';

/** The agent area's own stylesheet (served by this area, so the portal's static folder stays the portal's). */
export function serveAgentCss(ctx: Context): void {
  ctx.type = 'text/css; charset=utf-8';
  ctx.set(
    'Cache-Control',
    ctx.query.v === cssHash ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
  );
  ctx.body = css;
}

const SECTION_HREF: Record<AgentSection, string> = {
  queue: '/agent',
  incidents: '/agent/incidents',
  customers: '/agent/customers',
  quarantine: '/agent/quarantine',
  reports: '/agent/reports',
  canned: '/agent/canned',
  // The admin pages light up the header's one Administración link.
  admin: '/agent/admin',
  staff: '/agent/admin',
  import: '/agent/admin',
  sla: '/agent/admin',
  teams: '/agent/admin',
  routing: '/agent/admin',
  mailboxes: '/agent/admin',
  notifications: '/agent/admin',
  audit: '/agent/admin',
  apiTokens: '/agent/admin',
  webhooks: '/agent/admin',
};

/** A page of the agent area: the portal's layout (its header carries the area's menu) and the area's stylesheet. */
export async function agentPage(
  ctx: WebContext,
  o: { title: string; section: AgentSection; body: HtmlValue; status?: number },
): Promise<void> {
  await renderPage(ctx, {
    title: o.title,
    status: o.status,
    nav: SECTION_HREF[o.section],
    body: html`<link rel="stylesheet" href="${AGENT_CSS_PATH}?v=${cssHash}">
${o.body}`,
  });
}
