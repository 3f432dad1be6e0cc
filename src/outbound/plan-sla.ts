import { formatReference } from '../domain/reference.js';
import { formatDue } from '../domain/sla-state.js';
import { type PersonRow, USER_COLUMNS } from './outbox-load.js';
import { type FamilyPlanner, type PlanContext, person, str, team } from './plan.js';
import { type Audience, type Person, resolveRecipients } from './recipients.js';
import { slaWording, summary } from './ticket-wording.js';

const STAFF = ['agent', 'admin'];

/** Active staff among a team's members (only its leads when asked). */
async function members(c: PlanContext, teamId: number | null, leadsOnly: boolean): Promise<Person[]> {
  if (teamId === null) return [];
  const rows: PersonRow[] = await c
    .db('team_members as m')
    .join('users as u', 'u.id', 'm.user_id')
    .where({ 'm.team_id': teamId, 'u.active': true })
    .whereIn('u.role', STAFF)
    .modify((q) => {
      if (leadsOnly) q.where('m.is_lead', true);
    })
    .orderBy('u.id')
    .select(USER_COLUMNS.map((col) => `u.${col}`));
  return rows.map(person);
}

async function admins(c: PlanContext): Promise<Person[]> {
  const rows: PersonRow[] = await c
    .db('users')
    .where({ role: 'admin', active: true })
    .orderBy('id')
    .select(USER_COLUMNS);
  return rows.map(person);
}

/**
 * sla.*: a clock near its due instant (to whoever works the ticket: its assignee, else its team, else the
 * agents) and a clock past it (escalated to the team's leads, else the admins, and to whoever works it).
 */
export const planSlaMails: FamilyPlanner = async (c) => {
  const { config, row, link, strings, base, senderName } = c;
  const ticket = row.ticket;
  if (!ticket) return [];
  const p = row.payload;
  const due = new Date(str(p.dueAt));
  if (Number.isNaN(due.getTime())) return [];
  const teamRow = await c.db('tickets').where({ id: ticket.id }).first('team_id');
  const teamId = teamRow?.team_id ?? null;
  const assignee = row.people.find((u) => u.id === ticket.assignee_id && u.active);
  const watchers = assignee
    ? [person(assignee)]
    : await members(c, teamId, false).then(async (m) => (m.length ? m : team(c)));
  const leads = row.event === 'sla.breach' ? await members(c, teamId, true) : [];
  const escalated = leads.length ? leads : row.event === 'sla.breach' ? await admins(c) : [];
  const resolve = (to: Audience): Person[] =>
    to === 'sla-watchers' ? watchers : to === 'team-leads' ? escalated : [];
  const recipients = resolveRecipients(row.event, {
    facts: { payload: p, actorIsStaff: false },
    actorId: null,
    resolve,
  });
  const ref = formatReference(config.TICKET_PREFIX, ticket.id);
  return recipients.map((r) => ({
    recipient: r,
    replyToken: null,
    async plan() {
      const lang = r.language;
      const tr = await strings(r.template, lang);
      const template = r.template === 'sla-warning' ? 'sla-warning' : 'sla-breach';
      const when = formatDue(lang, r.timeZone ?? config.DEFAULT_TIME_ZONE, due);
      const w = slaWording(tr, { template, clock: str(p.clock), ref, title: ticket.title, when });
      return {
        template: r.template,
        lang,
        subject: w.subject,
        fromName: senderName(lang),
        ticketId: ticket.id,
        inReplyTo: null,
        references: [],
        data: {
          ...base(lang, tr),
          subject: w.subject,
          preview: w.intro,
          name: r.name,
          intro: w.intro,
          ticketUrl: link.agentTicket(ticket.id),
          ...summary(tr, [
            ['reference', ref],
            ['title', ticket.title],
            ['status', tr(`status.${ticket.status}`)],
            ['category', `${tr(`type.${ticket.type}`)} · ${tr(`category.${ticket.category}`)}`],
            ['service', ticket.service_name ?? ''],
          ]),
          replyHint: 'noReplyHint',
        },
      };
    },
  }));
};
