import type { Knex } from 'knex';

/** Who is looking: a customer sees their own tickets; a company manager, all of their company's. */
export interface CustomerViewer {
  id: number;
  companyId: number | null;
  isCompanyManager: boolean;
}

/** Restricts a query on `tickets as t` to what the viewer may see: ownership is part of every query. */
export function whereViewerMaySee(q: Knex.QueryBuilder, v: CustomerViewer): Knex.QueryBuilder {
  if (v.isCompanyManager && v.companyId !== null) return q.where('t.company_id', v.companyId);
  return q.where('t.requester_id', v.id);
}
