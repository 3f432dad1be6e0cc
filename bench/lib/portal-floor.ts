import http from 'node:http';
import pg from 'pg';
import { customerTicketsStatement } from '../../src/app/queries/customer-tickets.js';
import { formatReference } from '../../src/domain/reference.js';
import { escapeHtml } from '../../src/infra/escape-html.js';
import { hashId, SESSION_COOKIE, SESSION_SQL } from '../../src/web/session.js';

/**
 * The floor of the portal's ticket list, for the bench only: plain `node:http` and one `pg` client issuing the
 * same prepared statements as the page (the session lookup, then the list), the same 20 rows, and HTML built by
 * string concatenation, padded to the real page's size. No framework, no middleware, no templates, no
 * signature check of the cookie: what is left is the work the page cannot avoid.
 */
type PageRow = [number, string, string, string, string, string, number, string | null, string | null];

export async function startPortalFloor(
  url: string,
  pageBytes: number,
): Promise<{ port: number; close: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const server = http.createServer((req, res) => {
    const sid = /(?:^|;\s*)izd_sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (!sid || !req.headers.cookie?.includes(`${SESSION_COOKIE}=`)) {
      res.writeHead(401).end();
      return;
    }
    serve(client, sid, pageBytes).then(
      (html) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await client.end();
    },
  };
}

async function serve(client: pg.Client, sid: string, pageBytes: number): Promise<string> {
  const session = await client.query<{
    u_id: number;
    u_company_id: number | null;
    u_is_company_manager: boolean;
    u_page_size: number;
  }>({
    name: 'floor_session',
    text: SESSION_SQL,
    values: [hashId(decodeURIComponent(sid))],
  });
  const user = session.rows[0];
  if (!user) throw new Error('no session');
  const viewer = { id: user.u_id, companyId: user.u_company_id, isCompanyManager: user.u_is_company_manager };
  const q = customerTicketsStatement('IZL', viewer, {
    status: null,
    search: '',
    after: null,
    before: null,
    pageSize: Math.min(100, Math.max(5, user.u_page_size)),
  });
  const list = await client.query<{ page: string }>({ name: 'floor_list', text: q.text, values: q.values });
  const rows = (JSON.parse(list.rows[0]?.page ?? '[]') as PageRow[]).slice(0, 20);
  let html =
    '<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Tickets</title></head><body><table>';
  for (const [id, title, type, category, status, , updatedMs, urgency, service] of rows) {
    html += `<tr><td class="ref"><a href="/tickets/${id}">${formatReference('IZL', id)}</a></td><td>${escapeHtml(title)}</td><td>${type}</td><td>${category}</td><td>${status}</td><td>${urgency ?? ''}</td><td>${escapeHtml(service ?? '')}</td><td>${new Date(updatedMs).toISOString()}</td></tr>`;
  }
  html += '</table></body></html>';
  return html.length < pageBytes ? html + `<!--${' '.repeat(pageBytes - html.length - 7)}-->` : html;
}
