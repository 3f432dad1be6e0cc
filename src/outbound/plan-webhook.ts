import { formatDue } from '../domain/sla-state.js';
import { type PersonRow, USER_COLUMNS } from './outbox-load.js';
import { type FamilyPlanner, num, person, str } from './plan.js';
import { resolveRecipients } from './recipients.js';

/** webhook.disabled: every active admin hears that an endpoint was disabled; a webhook.test mails nobody. */
export const planWebhookMails: FamilyPlanner = async (c) => {
  const { config, row, link, base, senderName, strings } = c;
  const endpointId = num(row.payload.endpointId);
  const since = new Date(str(row.payload.failingSince));
  if (row.event !== 'webhook.disabled' || endpointId === null || Number.isNaN(since.getTime())) return [];
  const rows: PersonRow[] = await c
    .db('users')
    .where({ role: 'admin', active: true })
    .orderBy('id')
    .select(USER_COLUMNS);
  const admins = rows.map(person);
  const recipients = resolveRecipients(row.event, {
    facts: { payload: row.payload, actorIsStaff: true },
    actorId: null,
    resolve: (to) => (to === 'admins' ? admins : []),
  });
  const url = str(row.payload.url);
  return recipients.map((r) => ({
    recipient: r,
    replyToken: null,
    async plan() {
      const lang = r.language;
      const tr = await strings(r.template, lang);
      const subject = tr('mail:webhookDisabled.subject', { url });
      return {
        template: r.template,
        lang,
        subject,
        fromName: senderName(lang),
        ticketId: null,
        inReplyTo: null,
        references: [],
        data: {
          ...base(lang, tr),
          subject,
          preview: subject,
          name: r.name,
          webhookUrl: url,
          days: num(row.payload.days) ?? config.WEBHOOK_DISABLE_AFTER_DAYS,
          failingSince: formatDue(lang, r.timeZone ?? config.DEFAULT_TIME_ZONE, since),
          webhookAdminUrl: link.webhook(endpointId),
        },
      };
    },
  }));
};
