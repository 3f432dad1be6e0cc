import type { TimelineEvent } from '../../app/queries/agent-ticket.js';
import {
  clockStanding,
  currentClock,
  type SlaStanding,
  spanText,
  type TicketClocks,
} from '../../domain/sla-state.js';
import type { WebContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { when } from './format.js';

/** A mark besides the colour, so the standing reads without colour too (the words say it as well). */
const MARK: Record<SlaStanding, string> = {
  ok: '',
  warning: '⏳',
  breached: '⛔',
  paused: '⏸',
  met: '✓',
  missed: '✗',
};

function standingText(ctx: WebContext, st: SlaStanding, due: Date, now: Date): string {
  const { t } = ctx.state;
  const left = due.getTime() - now.getTime();
  if (st === 'ok' || st === 'warning') return t('agent:sla.remaining', { span: spanText(left) });
  if (st === 'breached') return t('agent:sla.overdue', { span: spanText(left) });
  return t(`agent:sla.${st}`);
}

/** The queue's SLA cell: the clock worked against, the time left (amber when < 20 % remains, red when late). */
export function slaCell(ctx: WebContext, row: TicketClocks, now: Date): SafeHtml {
  const { t } = ctx.state;
  const { clock, facts } = currentClock(row);
  const st = facts.dueAt ? clockStanding(facts, now) : null;
  if (!st || !facts.dueAt) return html`<td class="sla sla-none"><small>${t('agent:sla.none')}</small></td>`;
  const label =
    st === 'warning' || st === 'breached'
      ? html`<span class="visually-hidden">${t(`agent:sla.${st}`)}: </span>`
      : '';
  return html`<td class="sla sla-${st}" data-sla="${st}"><span class="sla-flag">${MARK[st] ? html`<span aria-hidden="true">${MARK[st]}</span> ` : ''}${label}${standingText(ctx, st, facts.dueAt, now)}</span><br><small>${t(`agent:sla.clock_${clock}`)} · <time datetime="${facts.dueAt.toISOString()}">${when(ctx, facts.dueAt)}</time></small></td>`;
}

/** Both clocks of a ticket, for the agent's ticket page. */
export function slaSection(
  ctx: WebContext,
  t0: TicketClocks & { sla_paused_minutes: number; status: string },
  policyName: string | null,
  now: Date,
): SafeHtml {
  const { t } = ctx.state;
  if (!policyName)
    return html`<section class="card sla-clocks"><h2>${t('agent:sla.title')}</h2><p>${t('agent:sla.noPolicy')}</p></section>`;
  const paused = t0.sla_paused_at !== null;
  const item = (
    clock: 'first_answer' | 'resolution',
    due: Date | null,
    warn: Date | null,
    done: Date | null,
  ) => {
    const st = clockStanding({ dueAt: due, warnAt: warn, doneAt: done, paused }, now);
    if (!st || !due) return '';
    return html`<li class="sla-${st}" data-clock="${clock}" data-sla="${st}"><strong>${t(`agent:sla.clock_${clock}`)}</strong>: <span class="sla-flag">${MARK[st] ? html`<span aria-hidden="true">${MARK[st]}</span> ` : ''}${standingText(ctx, st, due, now)}</span> · ${t('agent:sla.due', { when: when(ctx, due) })}${done ? html` · ${t('agent:sla.answered', { when: when(ctx, done) })}` : ''}</li>`;
  };
  return html`<section class="card sla-clocks" aria-labelledby="sla-title"><h2 id="sla-title">${t('agent:sla.title')}</h2>
<p>${t('agent:sla.policy', { name: policyName })}</p>
<ul>${item('first_answer', t0.first_answer_due_at, t0.first_answer_warn_at, t0.first_answered_at)}${
    t0.status === 'resolved' || t0.status === 'closed'
      ? ''
      : item('resolution', t0.resolution_due_at, t0.resolution_warn_at, null)
  }</ul>
${t0.sla_paused_at ? html`<p>${t('agent:sla.pausedSince', { when: when(ctx, t0.sla_paused_at) })}</p>` : ''}
${t0.sla_paused_minutes ? html`<p><small>${t('agent:sla.pausedTotal', { minutes: t0.sla_paused_minutes })}</small></p>` : ''}
</section>`;
}

const isoText = (ctx: WebContext, v: unknown) => (typeof v === 'string' ? when(ctx, v) : '');

/** What a history row says of the SLA clocks (data.sla of a change, or a warning / escalation row). */
export function slaEventText(ctx: WebContext, e: TimelineEvent): string {
  const { t } = ctx.state;
  if (e.event === 'sla_warning' || e.event === 'sla_breach')
    return t(e.event === 'sla_warning' ? 'agent:sla.event_warning' : 'agent:sla.event_breach', {
      clock: t(`agent:sla.clock_${String(e.data.clock)}`),
      when: isoText(ctx, e.data.dueAt),
    });
  const sla = e.data.sla;
  if (!sla || typeof sla !== 'object') return '';
  const parts: string[] = [];
  const s = sla as Record<string, unknown>;
  const first = s.firstAnswer as { met?: boolean } | undefined;
  if (first)
    parts.push(t(first.met ? 'agent:sla.event_firstAnswer_met' : 'agent:sla.event_firstAnswer_missed'));
  const resolution = s.resolution as { met?: boolean } | undefined;
  if (resolution)
    parts.push(t(resolution.met ? 'agent:sla.event_resolution_met' : 'agent:sla.event_resolution_missed'));
  const reclassified = s.reclassified as
    | { toPolicyId?: number | null; spentMinutes?: number; resolutionDueAt?: string }
    | undefined;
  if (reclassified)
    parts.push(
      reclassified.toPolicyId == null
        ? t('agent:sla.event_noPolicy')
        : t('agent:sla.event_reclassified', {
            minutes: reclassified.spentMinutes ?? 0,
            when: isoText(ctx, reclassified.resolutionDueAt),
          }),
    );
  if (s.paused) parts.push(t('agent:sla.event_paused'));
  const resumed = s.resumed as { pausedMinutes?: number; resolutionDueAt?: string } | undefined;
  if (resumed)
    parts.push(
      t('agent:sla.event_resumed', {
        minutes: resumed.pausedMinutes ?? 0,
        when: isoText(ctx, resumed.resolutionDueAt),
      }),
    );
  return parts.join('; ');
}
