import type { Db } from '../../db/db.js';

export interface TeamMember {
  userId: number;
  name: string;
  email: string;
  active: boolean;
  isLead: boolean;
}

export interface TeamView {
  id: number;
  name: string;
  active: boolean;
  members: TeamMember[];
}

/** Every team, by name, with its members (leads first). */
export async function listTeams(db: Db): Promise<TeamView[]> {
  const [teams, members] = await Promise.all([
    db('teams').orderBy('name').select('id', 'name', 'active'),
    db('team_members as m')
      .join('users as u', 'u.id', 'm.user_id')
      .orderBy([{ column: 'm.is_lead', order: 'desc' }, { column: 'u.name' }])
      .select('m.team_id', 'm.user_id', 'm.is_lead', 'u.name', 'u.email', 'u.active'),
  ]);
  return teams.map((t) => ({
    ...t,
    members: members
      .filter((m) => m.team_id === t.id)
      .map((m) => ({ userId: m.user_id, name: m.name, email: m.email, active: m.active, isLead: m.is_lead })),
  }));
}

/** Teams by name, for selects (inactive ones only when asked, e.g. to show a ticket's old team). */
export async function teamOptions(
  db: Db,
  o: { withInactive?: boolean } = {},
): Promise<{ id: number; name: string; active: boolean }[]> {
  const q = db('teams').orderBy('name').select('id', 'name', 'active');
  if (!o.withInactive) q.where({ active: true });
  return q;
}

/** The teams an agent belongs to (the queue's "my teams"). */
export async function teamIdsOf(db: Db, userId: number): Promise<number[]> {
  const rows = await db('team_members').where({ user_id: userId }).select('team_id');
  return rows.map((r) => r.team_id);
}
