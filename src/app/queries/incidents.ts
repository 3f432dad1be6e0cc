import type { Db } from '../../db/db.js';
import type { IncidentUpdateRow, MajorIncidentRow } from '../../db/tables.js';
import { type IncidentScope, serviceInScope } from '../../domain/incident-scope.js';
import { affectedCounts } from '../incidents/affected.js';
import { NETWORK_COLUMNS, networkOf, type ServiceNetworkRow, scopeOf } from '../incidents/linked.js';

/** What an incident's page, its row in the list and the reports show of it. */
export interface IncidentFigures {
  customersAffected: number;
  servicesAffected: number;
  ticketsLinked: number;
  /** Minutes from the start to the first public update; null while there is none. */
  minutesToFirstUpdate: number | null;
  /** Minutes from the start to the resolution (to now while open). */
  durationMinutes: number;
}

export type IncidentSummary = Omit<MajorIncidentRow, 'scope'> & {
  scope: IncidentScope;
  figures: IncidentFigures;
};

const minutes = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));

/** Figures of incidents: kept ones once resolved, counted now while open. */
async function withFigures(db: Db, rows: MajorIncidentRow[], now = new Date()): Promise<IncidentSummary[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const firsts: { incident_id: number; first: Date }[] = await db('incident_updates')
    .whereIn('incident_id', ids)
    .where({ kind: 'update', public: true })
    .groupBy('incident_id')
    .select('incident_id', db.raw('min(created_at) as first'));
  const open = rows.filter((r) => r.status === 'open').map((r) => r.id);
  const linked: { major_incident_id: number; n: number }[] = open.length
    ? await db('tickets')
        .whereIn('major_incident_id', open)
        .groupBy('major_incident_id')
        .select('major_incident_id', db.raw('count(*)::int as n'))
    : [];
  return Promise.all(
    rows.map(async (r) => {
      const scope = scopeOf(r);
      const first = firsts.find((f) => f.incident_id === r.id)?.first ?? null;
      const live = r.status === 'open' ? await affectedCounts(db, scope) : null;
      return {
        ...r,
        scope,
        figures: {
          customersAffected: live?.customers ?? r.customers_affected ?? 0,
          servicesAffected: live?.services ?? r.services_affected ?? 0,
          ticketsLinked: live
            ? (linked.find((l) => l.major_incident_id === r.id)?.n ?? 0)
            : (r.tickets_linked ?? 0),
          minutesToFirstUpdate: first ? minutes(r.started_at, first) : null,
          durationMinutes: minutes(r.started_at, r.resolved_at ?? now),
        },
      };
    }),
  );
}

/** The incidents, open ones first, then the latest; with their figures. */
export async function listIncidents(db: Db, limit = 100): Promise<IncidentSummary[]> {
  const rows = await db('major_incidents')
    .orderByRaw("status = 'open' desc, started_at desc, id desc")
    .limit(limit)
    .select('*');
  return withFigures(db, rows);
}

/**
 * Incidents started in a period, with their figures, oldest first: what the reports list (customers affected,
 * tickets linked, time to the first public update, duration).
 */
export async function incidentReport(db: Db, from: Date, to: Date): Promise<IncidentSummary[]> {
  const rows = await db('major_incidents')
    .where('started_at', '>=', from)
    .where('started_at', '<', to)
    .orderBy('started_at')
    .select('*');
  return withFigures(db, rows);
}

export interface IncidentDetail {
  incident: IncidentSummary;
  updates: (IncidentUpdateRow & { author_name: string | null })[];
  tickets: {
    id: number;
    title: string;
    status: string;
    requester_name: string;
    company_name: string | null;
  }[];
  declaredBy: string | null;
}

/** One incident for its page: figures, timeline (newest first), and the first linked tickets. */
export async function incidentDetail(db: Db, id: number, ticketLimit = 200): Promise<IncidentDetail | null> {
  const row = await db('major_incidents').where({ id }).first();
  if (!row) return null;
  const [incident] = await withFigures(db, [row]);
  const updates = await db('incident_updates as u')
    .leftJoin('users as a', 'a.id', 'u.author_id')
    .where('u.incident_id', id)
    .orderBy('u.id', 'desc')
    .select('u.*', 'a.name as author_name');
  const tickets = await db('tickets as t')
    .join('users as r', 'r.id', 't.requester_id')
    .leftJoin('companies as c', 'c.id', 't.company_id')
    .where('t.major_incident_id', id)
    .orderBy('t.id')
    .limit(ticketLimit)
    .select('t.id', 't.title', 't.status', 'r.name as requester_name', 'c.name as company_name');
  const declarer = row.declared_by ? await db('users').where({ id: row.declared_by }).first('name') : null;
  return { incident: incident as IncidentSummary, updates, tickets, declaredBy: declarer?.name ?? null };
}

/** Open public incidents that affect one of the company's active services: the portal's banner. */
export async function outagesOfCompany(
  db: Db,
  companyId: number | null,
): Promise<Pick<MajorIncidentRow, 'id' | 'title' | 'description' | 'estimated_end_at'>[]> {
  if (companyId === null) return [];
  const open = await db('major_incidents')
    .where({ status: 'open', public: true })
    .orderBy('id')
    .select('id', 'title', 'description', 'estimated_end_at', 'scope');
  if (!open.length) return [];
  const services: ServiceNetworkRow[] = await db('services')
    .where({ company_id: companyId, active: true })
    .select(...NETWORK_COLUMNS);
  return open
    .filter((i) => services.some((s) => serviceInScope(scopeOf(i), networkOf(s))))
    .map(({ scope: _, ...i }) => i);
}

/** Open incidents an agent may link a ticket to. */
export async function openIncidents(db: Db): Promise<Pick<MajorIncidentRow, 'id' | 'title'>[]> {
  return db('major_incidents').where({ status: 'open' }).orderBy('id', 'desc').select('id', 'title');
}

/** What a ticket's incident card and the update form need of one incident. */
export async function incidentHead(
  db: Db,
  id: number,
): Promise<Pick<MajorIncidentRow, 'id' | 'title' | 'status' | 'estimated_end_at'> | undefined> {
  return db('major_incidents').where({ id }).first('id', 'title', 'status', 'estimated_end_at');
}

/** The open public incident a customer's ticket is linked to, with its latest public news, for her ticket page. */
export interface TicketOutage {
  id: number;
  title: MajorIncidentRow['title'];
  estimatedEndAt: Date | null;
  /** The latest public update (the description when none was posted yet). */
  latest: { body: IncidentUpdateRow['body']; at: Date };
}

export async function ticketOutage(db: Db, incidentId: number | null): Promise<TicketOutage | null> {
  if (incidentId === null) return null;
  const inc = await db('major_incidents')
    .where({ id: incidentId, status: 'open', public: true })
    .first('id', 'title', 'estimated_end_at');
  if (!inc) return null;
  const latest = await db('incident_updates')
    .where({ incident_id: incidentId, public: true })
    .orderBy('id', 'desc')
    .first('body', 'created_at');
  if (!latest) return null;
  return {
    id: inc.id,
    title: inc.title,
    estimatedEndAt: inc.estimated_end_at,
    latest: { body: latest.body, at: latest.created_at },
  };
}
