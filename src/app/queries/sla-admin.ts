import type { Db } from '../../db/db.js';
import type { SlaCalendarRow, SlaPolicyRow } from '../../db/tables.js';

export interface SlaSettings {
  calendars: SlaCalendarRow[];
  policies: (SlaPolicyRow & {
    calendar_name: string;
    company_name: string | null;
    service_name: string | null;
  })[];
  companies: { id: number; name: string }[];
  services: { id: number; name: string; company_name: string }[];
}

/** Calendars, policies and what a policy may be narrowed to, for the admin pages. */
export async function slaSettings(db: Db): Promise<SlaSettings> {
  const [calendars, policies, companies, services] = await Promise.all([
    db('sla_calendars').orderBy('name').select('*'),
    db('sla_policies as p')
      .join('sla_calendars as c', 'c.id', 'p.calendar_id')
      .leftJoin('companies as co', 'co.id', 'p.company_id')
      .leftJoin('services as s', 's.id', 'p.service_id')
      .orderBy(['p.type', 'p.name'])
      .select('p.*', 'c.name as calendar_name', 'co.name as company_name', 's.name as service_name'),
    db('companies').where({ active: true }).orderBy('name').limit(500).select('id', 'name'),
    db('services as s')
      .join('companies as co', 'co.id', 's.company_id')
      .where({ 's.active': true })
      .orderBy(['co.name', 's.name'])
      .limit(500)
      .select('s.id', 's.name', 'co.name as company_name'),
  ]);
  return { calendars, policies, companies, services };
}
