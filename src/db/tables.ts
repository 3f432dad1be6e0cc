/**
 * The row of every table, declared once. Registered with knex below, so that `trx('users')` returns typed rows
 * and a renamed or misspelt column fails `tsc`. bigint columns are numbers (see db.ts), timestamptz are Dates,
 * jsonb columns are parsed objects. Keep this file in step with the migrations.
 */
import type { Knex } from 'knex';
import type { Role, TicketStatus } from '../domain/ticket-status.js';

type Json = Record<string, unknown>;

/** jsonb reads back as an object; writes pass JSON text (pg would send a JS array as a Postgres array). */
type Written<Row, K extends keyof Row> = {
  [P in keyof Row]?: (P extends K ? string : Row[P]) | Knex.Raw;
};
type WithJson<Row, K extends keyof Row> = Knex.CompositeTableType<Row, Written<Row, K>, Written<Row, K>>;

export interface CompanyRow {
  id: number;
  name: string;
  code: string | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface ServiceRow {
  id: number;
  company_id: number;
  name: string;
  circuit_id: string | null;
  address: string | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface UserRow {
  id: number;
  company_id: number | null;
  email: string;
  name: string;
  phone: string | null;
  role: Role;
  is_company_manager: boolean;
  password_hash: string | null;
  must_change_password: boolean;
  language: string;
  time_zone: string;
  page_size: number;
  active: boolean;
  email_verified_at: Date | null;
  last_login_at: Date | null;
  bounced_at: Date | null;
  bounce_reason: string | null;
  /** A copy of one's own actions by mail; null: the role's default (on for customers, off for staff). */
  notify_self: boolean | null;
  created_at: Date;
  updated_at: Date;
}

export interface TicketRow {
  id: number;
  type: string;
  category: string;
  service_id: number | null;
  urgency: string | null;
  impact: 'high' | 'medium' | 'low';
  priority: number;
  title: string;
  description: string;
  status: TicketStatus;
  requester_id: number;
  company_id: number | null;
  assignee_id: number | null;
  team_id: number | null;
  source: 'web' | 'email';
  solution: string | null;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
}

export interface TeamRow {
  id: number;
  name: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface TeamMemberRow {
  team_id: number;
  user_id: number;
  is_lead: boolean;
  created_at: Date;
}

/** What a canned answer does besides answering: ask for information (Pending) or give the solution (Resolve). */
export type CannedAction = 'none' | 'pending' | 'resolve';

export interface CannedAnswerRow {
  id: number;
  /** The short key an agent's mail names (`#respuesta nombre`); unique per language within its scope. */
  name: string;
  language: string;
  title: string;
  /** Plain text with placeholders ({{customer_name}}...), see src/domain/canned-answer.ts. */
  body: string;
  action: CannedAction;
  /** null: shared (kept by admins); else the agent's own. */
  owner_id: number | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface SatisfactionRow {
  id: number;
  ticket_id: number;
  user_id: number | null;
  score: number;
  comment: string | null;
  /** The first answer's time (what reports count); updated_at moves when the customer changes it. */
  answered_at: Date;
  updated_at: Date;
}

export interface FollowupRow {
  id: number;
  ticket_id: number;
  author_id: number | null;
  kind: string;
  visibility: 'public' | 'private';
  body: string;
  body_html: string | null;
  source: 'web' | 'email' | 'system';
  inbound_mail_id: number | null;
  created_at: Date;
}

export interface AttachmentRow {
  id: string;
  ticket_id: number;
  followup_id: number | null;
  uploaded_by: number | null;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  data: Buffer | null;
  storage_key: string | null;
  created_at: Date;
}

export interface TicketEventRow {
  id: number;
  ticket_id: number;
  actor_id: number | null;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  followup_id: number | null;
  data: Json;
  created_at: Date;
}

export interface InboundMailRow {
  id: number;
  mailbox: string;
  uidvalidity: number | null;
  uid: number | null;
  message_id: string | null;
  from_address: string | null;
  subject: string | null;
  outcome: string;
  reason: string | null;
  ticket_id: number | null;
  followup_id: number | null;
  quarantine_state: 'held' | 'releasing' | 'released' | 'discarded' | null;
  size: number | null;
  raw: Buffer | null;
  details: Json;
  received_at: Date | null;
  created_at: Date;
}

export interface OutboxTableRow {
  id: number;
  event: string;
  ticket_id: number | null;
  actor_id: number | null;
  payload: Json;
  created_at: Date;
  enqueued_at: Date | null;
  done_at: Date | null;
  attempts: number;
  last_error: string | null;
  batch: number | null;
  /** Not sent before this time: the agents' mail about a burst of follow-ups waits for the rest of the burst. */
  not_before: Date | null;
}

export interface DeliveryRow {
  id: number;
  outbox_id: number | null;
  ticket_id: number | null;
  user_id: number | null;
  recipient: string;
  event: string;
  message_id: string;
  status: 'sending' | 'sent' | 'failed' | 'bounced';
  error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

export interface SessionTableRow {
  id: string;
  user_id: number | null;
  data: Json;
  expires_at: Date;
}

export interface AuthTokenRow {
  id: number;
  user_id: number;
  purpose: string;
  token_hash: string;
  data: Json;
  expires_at: Date;
  used_at: Date | null;
  created_at: Date;
}

export interface IngestCheckpointRow {
  mailbox: string;
  uidvalidity: number;
  last_uid: number;
  updated_at: Date;
}

declare module 'knex/types/tables.js' {
  interface Tables {
    companies: CompanyRow;
    services: ServiceRow;
    users: UserRow;
    tickets: TicketRow;
    teams: TeamRow;
    team_members: TeamMemberRow;
    canned_answers: CannedAnswerRow;
    satisfaction: SatisfactionRow;
    followups: FollowupRow;
    attachments: AttachmentRow;
    ticket_events: WithJson<TicketEventRow, 'data'>;
    inbound_mails: WithJson<InboundMailRow, 'details'>;
    outbox: WithJson<OutboxTableRow, 'payload'>;
    deliveries: DeliveryRow;
    sessions: WithJson<SessionTableRow, 'data'>;
    auth_tokens: WithJson<AuthTokenRow, 'data'>;
    ingest_checkpoints: IngestCheckpointRow;
  }
}
