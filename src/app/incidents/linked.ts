import type { Tx } from '../../db/db.js';
import type { MajorIncidentRow } from '../../db/tables.js';
import {
  type IncidentScope,
  isOutageCategory,
  type NetworkAttributes,
  scopeSchema,
  serviceInScope,
} from '../../domain/incident-scope.js';
import type { TicketStatus } from '../../domain/ticket-status.js';

/** The statuses in which a linked ticket still waits for the incident (mailed its updates, resolved with it). */
export const LINKED_OPEN_STATUSES: TicketStatus[] = ['new', 'in_progress', 'pending'];

export const NETWORK_COLUMNS = ['id', 'access_node', 'zone', 'exchange', 'technology', 'postcode'] as const;

export interface ServiceNetworkRow {
  id: number;
  access_node: string | null;
  zone: string | null;
  exchange: string | null;
  technology: string | null;
  postcode: string | null;
}

export const networkOf = (s: ServiceNetworkRow): { id: number } & NetworkAttributes => ({
  id: s.id,
  accessNode: s.access_node,
  zone: s.zone,
  exchange: s.exchange,
  technology: s.technology,
  postcode: s.postcode,
});

/** The stored scope, read back through the schema (a hand-edited row matches nothing rather than anything). */
export function scopeOf(incident: Pick<MajorIncidentRow, 'scope'>): IncidentScope {
  const parsed = scopeSchema.safeParse(incident.scope);
  return parsed.success ? parsed.data : { serviceIds: [] };
}

/** What a new ticket of a customer tells about her connection. */
export interface OutageCandidate {
  companyId: number | null;
  /** The service the ticket is about; null (a mail): any of the company's active services counts. */
  serviceId: number | null;
  type: string;
  category: string;
}

/** A new ticket's link to an open incident, and what its history row and acknowledgement say of it. */
export interface OutageLink {
  incidentId: number;
  history: { majorIncidentId: number };
  payload: { majorIncidentId: number; outage?: OutageMailText };
}

/** The incident as a customer's mail names it (all languages: the outbound picks the recipient's). */
export interface OutageMailText {
  title: MajorIncidentRow['title'];
  text: MajorIncidentRow['description'];
  estimatedEndAt: string | null;
}

type OpenIncident = Pick<MajorIncidentRow, 'id' | 'title' | 'description' | 'public' | 'estimated_end_at'> & {
  scope: IncidentScope;
};

/**
 * The open incident each new ticket belongs to, if any: an incident of an outage category whose scope covers the
 * ticket's service (or, without one, any of the company's active services). The oldest such incident wins.
 * Internal incidents link too (their tickets stay out of the queue) but are not named to the customer.
 */
export async function matchOutages(
  trx: Tx,
  candidates: readonly OutageCandidate[],
): Promise<(OutageLink | null)[]> {
  const wanted = candidates.map((c) => c.companyId !== null && isOutageCategory(c.type, c.category));
  if (!wanted.some(Boolean)) return candidates.map(() => null);
  const incidents: OpenIncident[] = (
    await trx('major_incidents')
      .where({ status: 'open' })
      .orderBy('id')
      .select('id', 'title', 'description', 'public', 'estimated_end_at', 'scope')
  ).map((i) => ({ ...i, scope: scopeOf(i) }));
  if (!incidents.length) return candidates.map(() => null);
  const companies = [...new Set(candidates.filter((_, i) => wanted[i]).map((c) => c.companyId as number))];
  const services: (ServiceNetworkRow & { company_id: number; active: boolean })[] = await trx('services')
    .whereIn('company_id', companies)
    .select(...NETWORK_COLUMNS, 'company_id', 'active');
  return candidates.map((c, i) => {
    if (!wanted[i]) return null;
    const own = services.filter((s) =>
      c.serviceId !== null ? s.id === c.serviceId : s.company_id === c.companyId && s.active,
    );
    const hit = incidents.find((inc) => own.some((s) => serviceInScope(inc.scope, networkOf(s))));
    return hit ? outageLink(hit) : null;
  });
}

/** The link to an incident, and the outage as its acknowledgement names it (a public incident only). */
export function outageLink(
  inc: Pick<MajorIncidentRow, 'id' | 'title' | 'description' | 'public' | 'estimated_end_at'>,
): OutageLink {
  return {
    incidentId: inc.id,
    history: { majorIncidentId: inc.id },
    payload: {
      majorIncidentId: inc.id,
      ...(inc.public
        ? {
            outage: {
              title: inc.title,
              text: inc.description,
              estimatedEndAt: inc.estimated_end_at?.toISOString() ?? null,
            },
          }
        : {}),
    },
  };
}
