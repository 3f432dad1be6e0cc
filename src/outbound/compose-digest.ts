import { urls } from '../app/links.js';
import type { Config } from '../config/config.js';
import type { Db } from '../db/db.js';
import { translator } from '../i18n/i18n.js';
import { escapeHtml } from '../infra/escape-html.js';
import { type OutboxRecord, type PlannedMail, person, USER_COLUMNS, type UserRow } from './compose.js';
import { type Person, resolveRecipients } from './recipients.js';
import { mailStrings, stringsFor } from './strings.js';

interface HeldItem {
  id: number;
  from: string | null;
  subject: string | null;
  code: string;
}

const items = (v: unknown): HeldItem[] => (Array.isArray(v) ? (v as HeldItem[]) : []);

/** The agents' quarantine digest: the team (AGENTS_ADDRESS, else every active agent), each in their language. */
export async function planDigest(db: Db, config: Config, row: OutboxRecord): Promise<PlannedMail[]> {
  const held = items(row.payload.mails);
  if (!held.length) return [];
  const link = urls(config.PUBLIC_URL);
  let team: Person[] = [];
  if (config.AGENTS_ADDRESS) {
    const name = String(stringsFor(config.DEFAULT_LANGUAGE)('mail:team'));
    team = [
      {
        userId: null,
        email: config.AGENTS_ADDRESS,
        name,
        language: config.DEFAULT_LANGUAGE,
        role: 'team',
        bouncedAt: null,
      },
    ];
  } else {
    for (const role of ['agent', 'admin']) {
      const rows: UserRow[] = await db('users')
        .where({ role, active: true })
        .orderBy('id')
        .select(USER_COLUMNS);
      team = rows.map(person);
      if (team.length) break;
    }
  }
  const recipients = resolveRecipients(row.event, {
    facts: { payload: row.payload, actorIsStaff: true },
    actorId: null,
    notifySelf: config.NOTIFY_SELF,
    resolve: (to) => (to === 'agents' ? team : []),
  });
  return recipients.map((r) => ({
    recipient: r,
    replyToken: null,
    async plan() {
      const tr = stringsFor(r.language);
      // The reasons' labels live with the quarantine page's strings (agent namespace), not the mail ones.
      const reasons = translator(r.language);
      const lines = held.map((m) => ({
        url: link.heldMail(m.id),
        from: m.from ?? '—',
        subject: m.subject || String(tr('mail:noSubject')),
        reason: reasons(`agent:quarantine.reasons.${m.code}`, {
          defaultValue: reasons('agent:quarantine.reasons.other'),
        }),
      }));
      const subject = String(tr('mail:digest.subject', { count: held.length }));
      return {
        template: r.template,
        lang: r.language,
        subject,
        fromName: config.SUPPORT_NAME,
        ticketId: null,
        inReplyTo: null,
        references: [],
        data: {
          t: mailStrings(r.language),
          lang: r.language,
          company: config.COMPANY_NAME,
          loginUrl: link.login(),
          subject,
          preview: subject,
          name: r.name,
          count: held.length,
          quarantineUrl: link.heldMail(0).replace(/\/0$/, ''),
          held_html: `<ul>${lines
            .map(
              (l) =>
                `<li><strong>${escapeHtml(l.from)}</strong> — <a href="${escapeHtml(l.url)}">${escapeHtml(l.subject)}</a> — ${escapeHtml(l.reason)}</li>`,
            )
            .join('')}</ul>`,
          held_text: lines.map((l) => `- ${l.from} — ${l.subject} — ${l.reason}\n  ${l.url}`).join('\n'),
          replyHint: 'noReplyHint',
        },
      };
    },
  }));
}
