import { beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/accounts/create-user.js';
import { createMailbox, updateMailbox } from '../../src/app/agent/mailboxes.js';
import { createRoutingRule, moveRoutingRule } from '../../src/app/agent/routing-rules.js';
import { createTeam, removeTeamMember, setTeamMember, updateTeam } from '../../src/app/agent/teams.js';
import { reinviteUser, setUserActive, updateUser } from '../../src/app/agent/users.js';
import { createCannedAnswer, deleteCannedAnswer } from '../../src/app/canned/canned-answers.js';
import { auditLogPage } from '../../src/app/queries/audit-log.js';
import { savePolicy } from '../../src/app/sla/admin.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);

let admin: TestUser;
let agent: TestUser;
let adminName: string;

const filter = { actor: null, action: '', from: null, to: null };
const auditOf = (action: string) => t.db('audit_log').where({ action }).orderBy('id');

beforeAll(async () => {
  admin = await makeUser(s.app, 'admin');
  agent = await makeUser(s.app, 'agent');
  adminName = must(await t.db('users').where({ id: admin.id }).first()).name;
});

describe('the audit log records admin actions', () => {
  it('accounts: creation, edits, role changes, deactivation and password resets, without names or addresses', async () => {
    const customer = await makeUser(s.app, 'customer');
    const { userId } = await createUser(s.app, admin.actor, {
      email: 'eulalia.audit@example.test',
      name: 'Eulalia Auditada',
      role: 'agent',
    });
    await updateUser(s.app, admin.actor, userId, {
      name: 'Eulalia Auditada',
      email: 'eulalia.audit@example.test',
      phone: '600 000 111',
      language: 'es',
      role: 'admin',
      companyId: null,
      isCompanyManager: false,
    });
    await setUserActive(s.app, agent.actor, customer.id, false);
    await setUserActive(s.app, agent.actor, customer.id, true);
    await reinviteUser(s.app, agent.actor, customer.id);

    expect(must((await auditOf('user.create'))[0])).toMatchObject({
      actor_id: admin.id,
      actor_name: adminName,
      target_type: 'user',
      target_id: String(userId),
      details: { role: 'agent', invite: false },
      client_address: null,
    });
    expect(must((await auditOf('user.role_change'))[0]).details).toEqual({
      changed: ['phone', 'role'],
      from: 'agent',
      to: 'admin',
    });
    for (const action of ['user.disable', 'user.enable', 'user.password_reset'])
      expect(await auditOf(action), action).toMatchObject([
        { actor_id: agent.id, target_id: String(customer.id) },
      ]);
    const all = JSON.stringify(await t.db('audit_log'));
    expect(all).not.toContain('Eulalia');
    expect(all).not.toContain('eulalia.audit@');
    expect(all).not.toContain('600 000 111');
  });

  it('teams, routing rules, mailboxes, SLA policies and shared canned answers', async () => {
    const teamId = await createTeam(s.app, admin.actor, { name: 'Auditoría' });
    await updateTeam(s.app, admin.actor, teamId, { name: 'Auditoría 2', active: true });
    await setTeamMember(s.app, admin.actor, teamId, { userId: agent.id, isLead: true });
    await removeTeamMember(s.app, admin.actor, teamId, agent.id);
    const rule = {
      name: 'Regla auditada',
      active: true,
      types: ['request'],
      categories: [],
      urgencies: [],
      companies: [],
      services: [],
      receivedAt: [],
      teamId,
      assign: 'none' as const,
      agentId: null,
      setUrgency: null,
    };
    const first = await createRoutingRule(s.app, admin.actor, rule);
    await createRoutingRule(s.app, admin.actor, { ...rule, name: 'Otra regla' });
    await moveRoutingRule(s.app, admin.actor, first, 'down');
    const box = {
      address: 'audit@izarlink.test',
      displayName: 'Auditoría',
      displayNames: {},
      imap: null,
      defaultTeamId: teamId,
      active: true,
    };
    const options = { secret: s.config.SECRET, envAddress: s.config.SUPPORT_ADDRESS };
    const boxId = await createMailbox(s.app, admin.actor, box, options);
    await updateMailbox(s.app, admin.actor, boxId, { ...box, active: false }, options);
    const calendarId = must(await t.db('sla_calendars').first('id')).id;
    await savePolicy(s.app, admin.actor, null, {
      name: 'Auditada',
      type: 'request',
      urgency: '',
      category: '',
      companyId: '',
      serviceId: '',
      calendarId: String(calendarId),
      firstAnswerMinutes: '60',
      resolutionMinutes: '600',
      warnPercent: '80',
      active: true,
    });
    const shared = await createCannedAnswer(s.app, admin.actor, {
      name: 'auditada',
      language: 'es',
      title: 'Auditada',
      body: 'Texto',
      action: 'none',
      shared: true,
    });
    await deleteCannedAnswer(s.app, admin.actor, shared);
    // An agent's own answers are theirs: not in the admin log.
    await createCannedAnswer(s.app, agent.actor, {
      name: 'mia',
      language: 'es',
      title: 'Mía',
      body: 'Texto',
      action: 'none',
    });

    const actions = (
      await t.db('audit_log').where({ actor_id: admin.id }).orderBy('id').select('action')
    ).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'team.create',
        'team.update',
        'team.member_set',
        'team.member_remove',
        'routing_rule.create',
        'routing_rule.move',
        'mailbox.create',
        'mailbox.update',
        'sla_policy.create',
        'canned.create',
        'canned.delete',
      ]),
    );
    expect(await auditOf('canned.create')).toHaveLength(1);
    expect(must((await auditOf('mailbox.update'))[0]).details).toEqual({
      address: 'audit@izarlink.test',
      active: false,
      passwordChanged: false,
    });
  });
});

describe('the audit page', () => {
  it('is for admins: filters by actor, action and period, pages by id, and exports CSV', async () => {
    const c = new WebClient(base);
    await c.login(agent.email);
    expect((await c.get('/agent/admin/audit')).status).toBe(403);
    expect((await c.get('/agent/admin/audit.csv')).status).toBe(403);

    await c.login(admin.email);
    // Done through the web: the audit row keeps the client's address.
    await c.get('/agent/admin/teams');
    expect((await c.post('/agent/admin/teams', { name: 'Desde la web' })).status).toBe(303);
    const web = must((await auditOf('team.create')).at(-1));
    expect(web.client_address).toMatch(/127\.0\.0\.1/);

    const page = await c.get('/agent/admin/audit?action=team.');
    expect(page.status).toBe(200);
    expect(page.text).toContain('team.create');
    expect(page.text).not.toContain('routing_rule.create');
    expect((await c.get(`/agent/admin/audit?actor=${agent.id}`)).text).not.toContain('team.create');
    expect((await c.get('/agent/admin/audit?from=2000-01-01&to=2000-01-31')).text).toContain(
      'No hay registros con estos filtros.',
    );
    for (const bad of ['from=yesterday', 'action=%00', 'action=a&action=b', 'before=-1'])
      expect((await c.get(`/agent/admin/audit?${bad}`)).status, bad).toBe(bad === 'before=-1' ? 200 : 400);

    // Keyset pages of 5: every row once, newest first.
    const ids: number[] = [];
    let before: number | null = null;
    do {
      const p = await auditLogPage(t.db, filter, { before, limit: 5 });
      ids.push(...p.rows.map((r) => r.id));
      before = p.nextBefore;
    } while (before !== null);
    const all = (await t.db('audit_log').orderBy('id', 'desc').select('id')).map((r) => r.id);
    expect(all.length).toBeGreaterThan(15);
    expect(ids).toEqual(all);
    const older = await c.get(`/agent/admin/audit?before=${must(all[4])}`);
    expect(older.text).toContain(`/agent/users/`);
    expect(older.text).toContain('Más recientes');

    const csv = await c.get('/agent/admin/audit.csv?action=team.');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    // (fetch's text() drops the byte order mark the file starts with)
    expect(lines[0]?.replace(/^\ufeff/, '')).toBe(
      'at,actor_id,actor_name,action,target_type,target_id,details,client_address',
    );
    expect(
      new Uint8Array(
        await (
          await fetch(`${base}/agent/admin/audit.csv`, { headers: { cookie: c.cookieHeader() } })
        ).arrayBuffer(),
      ).slice(0, 3),
    ).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    expect(lines.slice(1).every((l) => l.includes(',team.'))).toBe(true);
    expect(lines).toHaveLength(1 + (await t.db('audit_log').where('action', 'like', 'team.%')).length);
  });
});
