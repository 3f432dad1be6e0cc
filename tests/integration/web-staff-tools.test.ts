import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import { startOutbound } from '../../src/outbound/index.js';
import { useTestDb } from '../helpers/db.js';
import { makeUser } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const t = await useTestDb();
const outDir = mkdtempSync(join(tmpdir(), 'izd-mails-'));
const s = await useTestServices(t, { MAIL_OUTBOX_DIR: outDir });
const base = await startTestWeb(s);

describe('staff tools mounted in the web app', () => {
  it('the queue dashboard is for admins only', async () => {
    const admin = await makeUser(s.app, 'admin');
    const agent = await makeUser(s.app, 'agent');
    const customer = await makeUser(s.app, 'customer');

    const anonymous = await new WebClient(base).get('/admin/queues');
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toMatch(/^\/login\?next=/);
    for (const u of [agent, customer]) {
      const c = new WebClient(base);
      await c.login(u.email);
      expect((await c.get('/admin/queues')).status).toBe(404);
    }
    const c = new WebClient(base);
    await c.login(admin.email);
    const page = await c.get('/admin/queues');
    expect(page.status).toBe(200);
    const api = JSON.parse((await c.get('/admin/queues/api/queues')).text) as { queues: { name: string }[] };
    expect(api.queues.map((q) => q.name)).toEqual(['notifications']);
  });

  it('without an SMTP relay, admins see the mails the product wrote to disk; agents and customers do not', async () => {
    const admin = await makeUser(s.app, 'admin');
    const agent = await makeUser(s.app, 'agent');
    const customer = await makeUser(s.app, 'customer');
    const outbound = await startOutbound(s);
    try {
      await openTicket(s.app, customer.actor, {
        draft: {
          type: 'request',
          category: 'technical',
          serviceId: customer.serviceIds[0] ?? null,
          title: 'Gallery <b>check</b>',
          description: 'Shown in the mail gallery.',
        },
      });
      const c = new WebClient(base);
      await c.login(admin.email);
      const list = await waitUntil(
        'the mail to be listed at /dev/mails',
        async () => {
          const page = await c.get('/dev/mails');
          return page.text.includes('Gallery &lt;b&gt;check&lt;/b&gt;') && page;
        },
        { everyMs: 200 },
      );
      expect(list.status).toBe(200);
      expect(list.text).toContain('Gallery &lt;b&gt;check&lt;/b&gt;');
      expect(list.text).not.toContain('<b>check</b>');
    } finally {
      await outbound.stop();
    }
    for (const u of [agent, customer]) {
      const other = new WebClient(base);
      await other.login(u.email);
      expect((await other.get('/dev/mails')).status).toBe(404);
    }
  });
});
