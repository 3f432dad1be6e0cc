import type { Knex } from 'knex';

/** Who is looking: a customer sees their own tickets; a company manager, all of their company's. */
export interface CustomerViewer {
  id: number;
  companyId: number | null;
  isCompanyManager: boolean;
}

/** What the viewer may see of `tickets t`, as an SQL condition and its one binding (for raw queries). */
export function viewerCondition(v: CustomerViewer): [string, number] {
  if (v.isCompanyManager && v.companyId !== null) return ['t.company_id = ?', v.companyId];
  return ['t.requester_id = ?', v.id];
}

/** Restricts a query on `tickets as t` to what the viewer may see: ownership is part of every query. */
export function whereViewerMaySee(q: Knex.QueryBuilder, v: CustomerViewer): Knex.QueryBuilder {
  const [condition, value] = viewerCondition(v);
  return q.whereRaw(condition, [value]);
}
