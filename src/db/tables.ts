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
  /** Where the connection runs (major incidents are scoped on these); null when not known. */
  access_node: string | null;
  zone: string | null;
  exchange: string | null;
  technology: string | null;
  postcode: string | null;
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
  /** The single sign-on identity (issuer and `sub`) of a staff account that signed in with OpenID Connect. */
  oidc_issuer: string | null;
  oidc_subject: string | null;
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
  /** The major incident this ticket is one symptom of; kept out of the normal queue while set. */
  major_incident_id: number | null;
  /** The mailbox (table `mailboxes`) its first mail came to; null: the environment's address, or the web. */
  mailbox_id: number | null;
  source: 'web' | 'email';
  solution: string | null;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
  /** The SLA policy chosen when the ticket was opened, and its clocks (see migrations/20261203_170_sla.ts). */
  sla_policy_id: number | null;
  first_answer_due_at: Date | null;
  first_answer_warn_at: Date | null;
  first_answered_at: Date | null;
  resolution_due_at: Date | null;
  resolution_warn_at: Date | null;
  /** The next due instant of a running clock (the queue's "due first" order); null while stopped. */
  sla_due_at: Date | null;
  /** Since when the clock is stopped (pending, resolved, closed); null while it runs. */
  sla_paused_at: Date | null;
  /** Business minutes the clock was stopped, in total: the due instants were pushed by that much. */
  sla_paused_minutes: number;
  /** Whether the first answer came in time, and the latest resolution (null: not yet, or no clock). */
  first_answer_met: boolean | null;
  resolution_met: boolean | null;
}

export interface SlaCalendarRow {
  id: number;
  name: string;
  time_zone: string;
  always_open: boolean;
  /** Opening spans by ISO weekday ('1' Monday … '7' Sunday): [from, to) in minutes of the local day. */
  hours: Record<string, [number, number][]>;
  /** date-holidays country (ES) and region (MD, CT...) of the public holidays; null: none. */
  holiday_country: string | null;
  holiday_region: string | null;
  /** Local dates ('YYYY-MM-DD') closed besides the public holidays. */
  extra_closed_days: string[];
  created_at: Date;
  updated_at: Date;
}

export interface SlaPolicyRow {
  id: number;
  name: string;
  type: string;
  /** null: any urgency (likewise category, company, service); the most specific matching policy applies. */
  urgency: string | null;
  category: string | null;
  company_id: number | null;
  service_id: number | null;
  calendar_id: number;
  first_answer_minutes: number;
  resolution_minutes: number;
  /** The warning is mailed when this share of the time has run. */
  warn_percent: number;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface SlaNoticeRow {
  ticket_id: number;
  kind: string;
  mailed: boolean;
  created_at: Date;
}

/** A text in Spanish (required) and optionally English and French. */
type LocalizedText = { es: string; en?: string; fr?: string };

export interface MajorIncidentRow {
  id: number;
  title: LocalizedText;
  description: LocalizedText;
  /** IncidentScope of src/domain/incident-scope.ts. */
  scope: Json;
  public: boolean;
  status: 'open' | 'resolved';
  started_at: Date;
  estimated_end_at: Date | null;
  solution: LocalizedText | null;
  declared_by: number | null;
  resolved_by: number | null;
  resolved_at: Date | null;
  /** Figures kept when it is resolved (while open they are counted live). */
  customers_affected: number | null;
  services_affected: number | null;
  tickets_linked: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface IncidentUpdateRow {
  id: number;
  incident_id: number;
  author_id: number | null;
  kind: 'declared' | 'update' | 'resolved';
  public: boolean;
  body: LocalizedText;
  /** The new estimate this update gave, if any. */
  estimated_end_at: Date | null;
  created_at: Date;
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
  /** The round-robin stamp of the member's latest routed ticket (sequence team_round_robin); null: never. */
  last_routed: number | null;
  created_at: Date;
}

/** An admin's routing rule; conditions and actions are the domain's RoutingConditions / RoutingActions. */
export interface RoutingRuleRow {
  id: number;
  position: number;
  name: string;
  active: boolean;
  conditions: Json;
  actions: Json;
  updated_by: number | null;
  created_at: Date;
  updated_at: Date;
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

export interface MailboxRow {
  id: number;
  address: string;
  display_name: string;
  /** Display names by language, over display_name. */
  display_names: Record<string, string>;
  imap_host: string | null;
  imap_port: number;
  imap_secure: boolean;
  imap_user: string | null;
  /** Sealed with SECRET (src/infra/secret-box.ts). */
  imap_password: string | null;
  imap_folders: string[];
  default_team_id: number | null;
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
  /** Fanned out to the webhook endpoints (null: not yet). */
  webhooks_at: Date | null;
}

export interface WebhookEndpointRow {
  id: number;
  url: string;
  /** The events it wants (domain/webhooks.ts WEBHOOK_EVENTS). */
  events: string[];
  /** The signing secret, sealed under SECRET (infra/secret-box.ts). */
  secret: string;
  active: boolean;
  /** Set when it was disabled for failing WEBHOOK_DISABLE_AFTER_DAYS on end. */
  disabled_at: Date | null;
  /** The first failure since its last success; null while it answers. */
  failing_since: Date | null;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface WebhookDeliveryRow {
  id: number;
  endpoint_id: number;
  outbox_id: number;
  event: string;
  /** The JSON body sent, byte for byte the same on every attempt. */
  body: string;
  status: 'pending' | 'delivered' | 'failed' | 'skipped';
  attempts: number;
  response_code: number | null;
  duration_ms: number | null;
  error: string | null;
  created_at: Date;
  enqueued_at: Date | null;
  attempted_at: Date | null;
  delivered_at: Date | null;
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

export interface ApiTokenRow {
  id: number;
  name: string;
  /** Among API_SCOPES (src/domain/api-token.ts). */
  scopes: string[];
  token_hash: string;
  token_prefix: string;
  /** The admin the token acts as. */
  created_by: number;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface ApiIdempotencyRow {
  token_id: number;
  key: string;
  request_hash: string;
  /** Null only inside the transaction that claimed the key. */
  status: number | null;
  body: Json | null;
  created_at: Date;
}

export interface TicketLinkRow {
  id: number;
  /** This ticket follows, was merged into, mentions or is related to the other one. */
  ticket_id: number;
  other_ticket_id: number;
  kind: 'follows' | 'merged_into' | 'mentions' | 'related';
  created_at: Date;
}

/** One admin action (src/app/audit.ts): never a person's name or address in target or details. */
export interface AuditLogRow {
  id: number;
  at: Date;
  actor_id: number | null;
  /** The actor's name when they acted; null for the system. */
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Json;
  client_address: string | null;
}

export interface IngestCheckpointRow {
  mailbox: string;
  uidvalidity: number;
  last_uid: number;
  updated_at: Date;
}

/** An admin's wording of one text of a notification mail in one language (the default is in src/i18n). */
export interface NotificationTextRow {
  /** The mail: a template name of src/outbound/templates.ts. */
  template: string;
  language: string;
  /** The key of the text in the mail namespace (`resolved.approve`); see src/domain/notification-texts.ts. */
  key: string;
  /** Plain text with the key's placeholders (`{{ref}}`), escaped where a mail shows it. */
  value: string;
  updated_by: number | null;
  updated_at: Date;
}

/** One row: bumped by every change of notification_texts, so each process knows when to reload them. */
export interface NotificationTextsVersionRow {
  id: number;
  version: number;
}

declare module 'knex/types/tables.js' {
  interface Tables {
    companies: CompanyRow;
    services: ServiceRow;
    users: UserRow;
    tickets: TicketRow;
    teams: TeamRow;
    team_members: TeamMemberRow;
    sla_calendars: WithJson<SlaCalendarRow, 'hours' | 'extra_closed_days'>;
    sla_policies: SlaPolicyRow;
    sla_notices: SlaNoticeRow;
    routing_rules: WithJson<RoutingRuleRow, 'conditions' | 'actions'>;
    mailboxes: WithJson<MailboxRow, 'display_names'>;
    canned_answers: CannedAnswerRow;
    satisfaction: SatisfactionRow;
    followups: FollowupRow;
    attachments: AttachmentRow;
    ticket_events: WithJson<TicketEventRow, 'data'>;
    inbound_mails: WithJson<InboundMailRow, 'details'>;
    outbox: WithJson<OutboxTableRow, 'payload'>;
    deliveries: DeliveryRow;
    webhook_endpoints: WebhookEndpointRow;
    webhook_deliveries: WebhookDeliveryRow;
    sessions: WithJson<SessionTableRow, 'data'>;
    auth_tokens: WithJson<AuthTokenRow, 'data'>;
    ingest_checkpoints: IngestCheckpointRow;
    ticket_links: TicketLinkRow;
    api_tokens: ApiTokenRow;
    api_idempotency: WithJson<ApiIdempotencyRow, 'body'>;
    major_incidents: WithJson<MajorIncidentRow, 'title' | 'description' | 'scope' | 'solution'>;
    incident_updates: WithJson<IncidentUpdateRow, 'body'>;
    notification_texts: NotificationTextRow;
    notification_texts_version: NotificationTextsVersionRow;
    audit_log: WithJson<AuditLogRow, 'details'>;
  }
}
