import type { Db } from '../../db/db.js';

export interface ServiceOption {
  id: number;
  name: string;
  circuit_id: string | null;
}

/** The connections a customer may open a ticket on: their company's active services. */
export async function customerServices(db: Db, companyId: number | null): Promise<ServiceOption[]> {
  if (companyId === null) return [];
  return db('services')
    .where({ company_id: companyId, active: true })
    .orderBy('name')
    .select('id', 'name', 'circuit_id');
}
