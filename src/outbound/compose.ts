import type { Config } from '../config/config.js';
import type { Db } from '../db/db.js';
import type { OutboxRecord } from './outbox-load.js';
import { type FamilyPlanner, type PlannedMail, planContext } from './plan.js';
import { planAccountMails } from './plan-account.js';
import { planMailAnswers } from './plan-mail-answer.js';
import { planQuarantineMails } from './plan-quarantine.js';
import { planSlaMails } from './plan-sla.js';
import { planTextTest } from './plan-text-test.js';
import { planTicketMails } from './plan-ticket.js';
import { planWebhookMails } from './plan-webhook.js';
import { type NotificationTexts, notificationTexts } from './text-overrides.js';

/**
 * The planner of each family of events (`ticket.*`, `account.*`, `mail.*`, `quarantine.*`, `sla.*`, `texts.*`, `webhook.*`). A new event of a family needs its
 * rules in recipients.ts and its template; a new family needs a planner here.
 */
const FAMILIES: Record<string, FamilyPlanner> = {
  ticket: planTicketMails,
  account: planAccountMails,
  mail: planMailAnswers,
  quarantine: planQuarantineMails,
  sla: planSlaMails,
  texts: planTextTest,
  webhook: planWebhookMails,
};

/**
 * Lists the mails of an outbox row. Pure reads: nothing is written until a mail's plan() is called by the
 * sender. The worker passes its cache of the admins' texts; without one they are read afresh.
 */
export async function planMails(
  db: Db,
  config: Config,
  row: OutboxRecord,
  texts: NotificationTexts = notificationTexts(db),
): Promise<PlannedMail[]> {
  const planner = FAMILIES[row.event.slice(0, row.event.indexOf('.'))];
  return planner ? planner(planContext(db, config, row, texts)) : [];
}
