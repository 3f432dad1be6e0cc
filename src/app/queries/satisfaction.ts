import type { Db } from '../../db/db.js';
import type { SatisfactionRow } from '../../db/tables.js';
import { mayChangeAnswer } from '../../domain/satisfaction.js';

export type TicketSatisfaction = Pick<SatisfactionRow, 'score' | 'comment' | 'answered_at' | 'updated_at'> & {
  /** The customer may still change it. */
  changeable: boolean;
};

/** The survey answer of a ticket, if any. */
export async function ticketSatisfaction(db: Db, ticketId: number): Promise<TicketSatisfaction | null> {
  const row = await db('satisfaction')
    .where({ ticket_id: ticketId })
    .first('score', 'comment', 'answered_at', 'updated_at');
  return row ? { ...row, changeable: mayChangeAnswer(row.answered_at, new Date()) } : null;
}

export interface SatisfactionFilter {
  from: Date;
  /** Exclusive. */
  to: Date;
  teamId?: number | null;
  companyId?: number | null;
  serviceId?: number | null;
}

export interface SatisfactionFigure {
  /** The period's start (by: day, week, month), or the team / company id (null: none, or by: all). */
  key: string | null;
  count: number;
  /** Mean score, two decimals. */
  average: number;
}

/**
 * Survey answers for the reports: count and average score per period (of the first answer's time, in the
 * given time zone), per team or per company, or all together (no row when there is none), within [from, to)
 * and the filters.
 */
export async function satisfactionFigures(
  db: Db,
  f: SatisfactionFilter,
  by: 'day' | 'week' | 'month' | 'team' | 'company' | 'all',
  timeZone = 'Europe/Madrid',
): Promise<SatisfactionFigure[]> {
  const key =
    by === 'all'
      ? db.raw('null::text')
      : by === 'team'
        ? db.raw('t.team_id::text')
        : by === 'company'
          ? db.raw('t.company_id::text')
          : db.raw("to_char(date_trunc(?, s.answered_at at time zone ?), 'YYYY-MM-DD')", [by, timeZone]);
  const rows = await db('satisfaction as s')
    .join('tickets as t', 't.id', 's.ticket_id')
    .where('s.answered_at', '>=', f.from)
    .where('s.answered_at', '<', f.to)
    .modify((q) => {
      if (f.teamId != null) q.where('t.team_id', f.teamId);
      if (f.companyId != null) q.where('t.company_id', f.companyId);
      if (f.serviceId != null) q.where('t.service_id', f.serviceId);
    })
    .groupByRaw('1')
    .orderByRaw('1')
    .select<{ key: string | null; count: string; average: string }[]>(
      db.raw('? as key', [key]),
      db.raw('count(*) as count'),
      db.raw('round(avg(s.score), 2) as average'),
    );
  return rows.map((r) => ({ key: r.key, count: Number(r.count), average: Number(r.average) }));
}
