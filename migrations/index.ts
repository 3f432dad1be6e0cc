import type { Knex } from 'knex';
import * as initial from './20261124_001_initial.js';
import * as ingestCheckpoints from './20261124_201_ingest_checkpoints.js';
import * as outboxUndone from './20261124_301_outbox_undone.js';
import * as agentSearch from './20261124_401_agent_search.js';
import * as agentQueueIndexes from './20261124_402_agent_queue_indexes.js';
import * as outboxBatches from './20261201_501_outbox_batches.js';
import * as lz4Compression from './20261201_502_lz4_compression.js';
import * as searchCaps from './20261202_601_search_caps.js';
import * as ticketLinks from './20261202_641_ticket_links.js';
import * as ticketEventsKeyset from './20261202_681_ticket_events_keyset.js';
import * as outboxNotBefore from './20261202_682_outbox_not_before.js';
import * as notifySelf from './20261202_701_notify_self.js';
import * as relatedLinks from './20261202_721_related_links.js';
import * as teams from './20261203_001_teams.js';
import * as reasonCodes from './20261203_120_reason_codes.js';
import * as routingRules from './20261203_140_routing_rules.js';
import * as ticketsTeamQueue from './20261203_141_tickets_team_queue.js';
import * as mailboxes from './20261203_160_mailboxes.js';
import * as sla from './20261203_170_sla.js';
import * as cannedAnswers from './20261203_180_canned_answers.js';
import * as satisfaction from './20261203_181_satisfaction.js';
import * as serviceNetwork from './20261203_200_service_network.js';
import * as majorIncidents from './20261203_201_major_incidents.js';
import * as reportIndexes from './20261203_240_report_indexes.js';
import * as apiTokens from './20261204_100_api_tokens.js';
import * as webhooks from './20261204_120_webhooks.js';
import * as oidcIdentity from './20261204_140_oidc_identity.js';
import * as auditLog from './20261204_160_audit_log.js';
import * as rawMailRetention from './20261204_161_raw_mail_retention.js';
import * as notificationTexts from './20261204_180_notification_texts.js';
import * as slaOutcomes from './20261204_200_sla_outcomes.js';

/** Every migration, in order. Listed here (not discovered on disk) so they run the same under tsx and compiled. */
export const MIGRATIONS: Record<string, Knex.Migration> = {
  '20261124_001_initial': initial,
  '20261124_201_ingest_checkpoints': ingestCheckpoints,
  '20261124_301_outbox_undone': outboxUndone,
  '20261124_401_agent_search': agentSearch,
  '20261124_402_agent_queue_indexes': agentQueueIndexes,
  '20261201_501_outbox_batches': outboxBatches,
  '20261201_502_lz4_compression': lz4Compression,
  '20261202_601_search_caps': searchCaps,
  '20261202_641_ticket_links': ticketLinks,
  '20261202_681_ticket_events_keyset': ticketEventsKeyset,
  '20261202_682_outbox_not_before': outboxNotBefore,
  '20261202_701_notify_self': notifySelf,
  '20261202_721_related_links': relatedLinks,
  '20261203_001_teams': teams,
  '20261203_120_reason_codes': reasonCodes,
  '20261203_140_routing_rules': routingRules,
  '20261203_141_tickets_team_queue': ticketsTeamQueue,
  '20261203_160_mailboxes': mailboxes,
  '20261203_170_sla': sla,
  '20261203_180_canned_answers': cannedAnswers,
  '20261203_181_satisfaction': satisfaction,
  '20261203_200_service_network': serviceNetwork,
  '20261203_201_major_incidents': majorIncidents,
  '20261203_240_report_indexes': reportIndexes,
  '20261204_100_api_tokens': apiTokens,
  '20261204_120_webhooks': webhooks,
  '20261204_140_oidc_identity': oidcIdentity,
  '20261204_160_audit_log': auditLog,
  '20261204_161_raw_mail_retention': rawMailRetention,
  '20261204_180_notification_texts': notificationTexts,
  '20261204_200_sla_outcomes': slaOutcomes,
};
