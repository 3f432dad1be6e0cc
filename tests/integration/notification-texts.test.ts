import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetNotificationText, saveNotificationTexts } from '../../src/app/agent/notification-texts.js';
import { notificationTextsVersion } from '../../src/app/queries/notification-texts.js';
import { formatReference } from '../../src/domain/reference.js';
import { mailDefault } from '../../src/i18n/mail-texts.js';
import { startOutbound } from '../../src/outbound/index.js';
import { notificationTexts } from '../../src/outbound/text-overrides.js';
import { useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';
import { mailCollector, startCapturingSmtp, toAddress } from '../helpers/smtp.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

// Issue 17: admins reword the notification mails per language; the worker mails their texts.
const t = await useTestDb();
const smtp = await startCapturingSmtp();
const s = await useTestServices(t, { SMTP_URL: smtp.url, SMTP_MAX_PER_SECOND: '500' });
// This worker reads the admins' texts at every mail; how fast other processes see them is tested below.
const outbound = await startOutbound(s, { sweepMs: 300, retryBaseMs: 100, textsMaxAgeMs: 0 });
afterAll(async () => {
  await outbound.stop();
  await smtp.close();
});
const base = await startTestWeb(s);
const sent = mailCollector(s.db, smtp);

const EDIT = '/agent/admin/notifications/ticket-created/fr';
const TITLE = 'Plus de connexion au bureau de Lyon';
let admin: TestUser; // writes in English: the pages answer in her language, whatever the mail's
let marie: TestUser; // customer, French
let lucia: TestUser; // customer, Spanish
let john: TestUser; // customer, English
let web: WebClient;

beforeAll(async () => {
  admin = await makeUser(s.app, 'admin', { language: 'en' });
  marie = await makeUser(s.app, 'customer', { language: 'fr' });
  lucia = await makeUser(s.app, 'customer', { language: 'es' });
  john = await makeUser(s.app, 'customer', { language: 'en' });
  web = new WebClient(base);
  await web.login(admin.email);
});

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
/** Every text field of the edit page as the browser would send it back (named `a-b` for the text `a.b`). */
function formOf(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of page.matchAll(/<textarea id="f-[^"]+" name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    out[m[1] as string] = decode(m[2] as string);
  return out;
}
const savedRows = async () => Number((await t.db('notification_texts').count({ n: '*' }).first())?.n);
const htmlOf = (m: ParsedMail) => (typeof m.html === 'string' ? m.html : '');
const to = (mails: ParsedMail[], email: string) => {
  const found = mails.filter((m) => toAddress(m) === email);
  expect(found, `one mail to ${email}`).toHaveLength(1);
  return found[0] as ParsedMail;
};
/** Opens a ticket for each customer and returns the acknowledgement each one got. */
async function acknowledgements(...customers: TestUser[]) {
  await sent();
  const ids = new Map<string, number>();
  for (const c of customers) ids.set(c.email, await makeTicket(s.app, c, TITLE));
  const mails = await sent();
  return customers.map((c) => ({
    mail: to(mails, c.email),
    ref: formatReference('IZL', ids.get(c.email) ?? 0),
  }));
}

describe('the admin pages of the mail texts', { timeout: 60_000 }, () => {
  it('list every mail in every language, for admins only', async () => {
    const list = await web.get('/agent/admin/notifications');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Acknowledgement to the customer');
    expect(list.text).toContain(`href="${EDIT}"`);
    expect(list.text).not.toContain('customised text');
    const agent = await makeUser(s.app, 'agent');
    const a = new WebClient(base);
    await a.login(agent.email);
    expect((await a.get(EDIT)).status).toBe(403);
  });

  it('show each text beside its default, with its placeholders, and a preview of the real layout', async () => {
    const page = await web.get(EDIT);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Default:');
    expect(page.text).toContain('Incident enregistré');
    expect(page.text).toContain('<code>{{ref}}</code>');
    expect(formOf(page.text)['subject-created_incident']).toBe('Incident enregistré');
    // The preview frames the compiled mail (brand header, footer) with sample data, inert.
    expect(page.text).toMatch(
      /<iframe sandbox srcdoc="[^"]*Lucía Fernández[^"]*Message automatique du support/,
    );
  });

  it('refuse an unknown placeholder with its name, in the admin’s language, and keep nothing', async () => {
    const form = formOf((await web.get(EDIT)).text);
    const res = await web.post(EDIT, {
      ...form,
      'typed-created_incident': 'Bonjour {{client}}, incident {{ref}}.',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('There are unknown placeholders ({{client}})');
    expect(res.text).toContain('Unknown placeholder: {{client}}. This text accepts: {{ref}}.');
    // What was typed comes back for fixing.
    expect(formOf(res.text)['typed-created_incident']).toBe('Bonjour {{client}}, incident {{ref}}.');
    expect(await savedRows()).toBe(0);
  });

  it('preview unsaved texts through the compiled layout, escaped, without saving them', async () => {
    const form = formOf((await web.get(EDIT)).text);
    const res = await web.post(`${EDIT}/preview`, {
      ...form,
      'subject-created_incident': 'Incident <b>reçu</b>',
      'typed-created_incident': 'Votre incident {{ref}} est entre de bonnes mains.',
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<strong lang="fr">[IZL-000123] Incident &lt;b&gt;reçu&lt;/b&gt; : ');
    // Twice escaped inside srcdoc: once by the mail, once by the attribute.
    expect(res.text).toContain('Votre incident IZL-000123 est entre de bonnes mains.');
    expect(res.text).toContain('&amp;lt;b&amp;gt;reçu');
    expect(res.text).not.toContain('<b>reçu</b>');
    expect(res.headers.get('content-security-policy')).toContain("style-src 'self' 'unsafe-inline'");
    expect(await savedRows()).toBe(0);
  });
});

describe('what customers receive', { timeout: 60_000 }, () => {
  it('an admin’s French wording changes the subject and a paragraph of the French mail only', async () => {
    const form = formOf((await web.get(EDIT)).text);
    const saved = await web.post(EDIT, {
      ...form,
      'subject-created_incident': 'Votre incident est bien reçu',
      'typed-created_incident': 'Merci ! Votre incident {{ref}} est entre de bonnes mains. <b>Promis</b>.',
    });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(EDIT);
    expect((await web.get(EDIT)).text).toContain('Saved: 2 texts changed.');
    const row = await t.db('notification_texts').where({ key: 'subject.created_incident' }).first();
    expect(row).toMatchObject({ template: 'ticket-created', language: 'fr', updated_by: admin.id });

    const [fr, es, en] = await acknowledgements(marie, lucia, john);
    expect(fr?.mail.subject).toBe(`[${fr?.ref}] Votre incident est bien reçu : ${TITLE}`);
    expect(fr?.mail.text).toContain(
      `Merci ! Votre incident ${fr?.ref} est entre de bonnes mains. <b>Promis</b>.`,
    );
    // Plain text in, escaped out: an admin's text never becomes markup.
    expect(htmlOf(fr?.mail as ParsedMail)).toContain('&lt;b&gt;Promis&lt;/b&gt;');
    expect(htmlOf(fr?.mail as ParsedMail)).not.toContain('<b>Promis</b>');
    // The rest of the French mail, and the other languages, keep their defaults.
    expect(fr?.mail.text).toContain('Bonjour');
    expect(es?.mail.subject).toBe(`[${es?.ref}] Incidencia registrada: ${TITLE}`);
    expect(es?.mail.text).toContain(`Hemos registrado su incidencia con la referencia ${es?.ref}.`);
    expect(en?.mail.subject).toBe(`[${en?.ref}] Incident registered: ${TITLE}`);

    const list = await web.get('/agent/admin/notifications');
    expect(list.text).toContain('2 customised texts');
  });

  it('reset to default brings the default back for that text only', async () => {
    const page = await web.get(EDIT);
    expect(page.text).toContain(`formaction="${EDIT}/reset/subject.created_incident"`);
    const res = await web.post(`${EDIT}/reset/subject.created_incident`, formOf(page.text));
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${EDIT}#text-subject-created_incident`);
    const [fr] = await acknowledgements(marie);
    expect(fr?.mail.subject).toBe(`[${fr?.ref}] Incident enregistré : ${TITLE}`);
    expect(fr?.mail.text).toContain('Merci ! Votre incident');
    expect(await t.db('notification_texts').pluck('key')).toEqual(['typed.created_incident']);
  });

  it('"send me a test" mails the admin the form’s texts with sample data, through the outbound worker', async () => {
    await sent();
    const form = formOf((await web.get(EDIT)).text);
    const res = await web.post(`${EDIT}/test`, { ...form, 'subject-created_incident': 'Essai de sujet' });
    expect(res.status).toBe(200);
    expect(res.text).toContain(`Test sent to ${admin.email}`);
    const mails = await sent();
    const test = to(mails, admin.email);
    expect(test.subject).toBe('[Essai] [IZL-000123] Essai de sujet : Sin conexión en la sede de Valladolid');
    expect(test.text).toContain('Merci ! Votre incident IZL-000123');
    const delivery = await t.db('deliveries').where({ recipient: admin.email, event: 'texts.test' }).first();
    expect(delivery?.status).toBe('sent');
    // Nothing was saved by the test.
    expect(
      await t.db('notification_texts').where({ key: 'subject.created_incident' }).first(),
    ).toBeUndefined();
  });

  it('saving a text equal to its default (give or take blanks) keeps no row', async () => {
    const form = formOf((await web.get(EDIT)).text);
    const res = await web.post(EDIT, {
      ...form,
      'typed-created_incident': `  ${mailDefault('fr', 'typed.created_incident')}\r\n`,
    });
    expect(res.status).toBe(303);
    expect(await savedRows()).toBe(0);
  });
});

describe('every process sees an edit within a second', { timeout: 30_000 }, () => {
  it('two processes’ caches pick up a change and a reset through the version number', async () => {
    // Another process: its own connections, its own cache, the same database.
    const other = await useTestServices(t);
    const here = notificationTexts(s.db);
    const there = notificationTexts(other.db);
    const subject = async (c: typeof here) => (await c.of('ticket-closed', 'en')).get('mail:subject.closed');
    expect(await subject(here)).toBeUndefined();
    expect(await subject(there)).toBeUndefined();
    const before = await notificationTextsVersion(s.db);

    await saveNotificationTexts(s.app, admin.actor, {
      template: 'ticket-closed',
      language: 'en',
      texts: { 'subject.closed': 'All done' },
    });
    expect(await notificationTextsVersion(s.db)).toBe(before + 1);
    const started = Date.now();
    await waitUntil('both caches to see the new subject', async () => {
      const [a, b] = await Promise.all([subject(here), subject(there)]);
      return a === 'All done' && b === 'All done';
    });
    expect(Date.now() - started).toBeLessThan(2500);

    await resetNotificationText(s.app, admin.actor, {
      template: 'ticket-closed',
      language: 'en',
      key: 'subject.closed',
    });
    await waitUntil('both caches to drop it', async () => {
      const [a, b] = await Promise.all([subject(here), subject(there)]);
      return a === undefined && b === undefined;
    });
    // Another mail's and language's texts were never touched.
    expect((await here.of('ticket-created', 'en')).size).toBe(0);
  });
});
