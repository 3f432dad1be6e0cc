import type { Actor, Role } from '../domain/ticket-status.js';

export interface ActorRow {
  id: number;
  role: Role;
  company_id: number | null;
  is_company_manager: boolean;
}

export const actorOf = (u: ActorRow): Actor => ({
  kind: 'user',
  id: u.id,
  role: u.role,
  companyId: u.company_id,
  isCompanyManager: u.is_company_manager,
});

export const actorId = (a: Actor): number | null => (a.kind === 'user' ? a.id : null);
