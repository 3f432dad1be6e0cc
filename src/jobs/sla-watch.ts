import type { AppContext } from '../app/context.js';
import { sendSlaNotices } from '../app/sla/notices.js';

/**
 * The scheduled look at SLA clocks: warnings before a breach, escalations at it. `now` is a parameter so that a
 * test can run it at any instant; each notice is recorded once (sla_notices), so two runs or two workers at
 * the same instant send each mail once.
 */
export const slaWatch = (app: AppContext, now = new Date()): Promise<{ notices: number }> =>
  sendSlaNotices(app, now);
