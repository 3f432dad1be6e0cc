import type { Db, Tx } from '../../db/db.js';
import { type IncidentScope, serviceInScope } from '../../domain/incident-scope.js';
import { NETWORK_COLUMNS, networkOf, type ServiceNetworkRow } from './linked.js';

const SQL_CONDITIONS = [
  ['accessNodes', 'access_node'],
  ['zones', 'zone'],
  ['exchanges', 'exchange'],
  ['technologies', 'technology'],
  ['postcodes', 'postcode'],
] as const;

/**
 * The active services a scope covers, with their company. The SQL narrows by the same conditions (on the lower()
 * indexes); serviceInScope then decides, so the count and the linking follow one rule.
 */
export async function servicesInScope(
  db: Db | Tx,
  scope: IncidentScope,
): Promise<{ id: number; company_id: number }[]> {
  const q = db('services').where({ active: true });
  if ('serviceIds' in scope) q.whereIn('id', scope.serviceIds);
  else
    for (const [key, col] of SQL_CONDITIONS) {
      const values = (scope[key] ?? []).map((v) => v.trim().toLowerCase()).filter(Boolean);
      if (values.length) q.whereRaw(`lower(${col}) = any(?)`, [values]);
    }
  const rows: (ServiceNetworkRow & { company_id: number })[] = await q.select(
    ...NETWORK_COLUMNS,
    'company_id',
  );
  return rows
    .filter((s) => serviceInScope(scope, networkOf(s)))
    .map((s) => ({ id: s.id, company_id: s.company_id }));
}

/** Services and customers (companies) a scope affects. */
export async function affectedCounts(
  db: Db | Tx,
  scope: IncidentScope,
): Promise<{ services: number; customers: number }> {
  const rows = await servicesInScope(db, scope);
  return { services: rows.length, customers: new Set(rows.map((r) => r.company_id)).size };
}
