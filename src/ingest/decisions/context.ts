import type { AppContext } from '../../app/context.js';
import type { OpenedTicket, OpenTicketInput } from '../../app/tickets/open-ticket.js';
import type { Config } from '../../config/config.js';
import type { Tx } from '../../db/db.js';
import type { Actor } from '../../domain/ticket-status.js';
import type { SenderLookups } from '../lookups.js';
import type { Effect } from '../outcome.js';

export interface DecideContext {
  trx: Tx;
  app: AppContext;
  config: Config;
  mode: 'inbox' | 'sent';
  recordId: number;
  raw: Buffer;
  /**
   * An agent released this held message: the checks that hold mail (sender authentication, the unknown-sender
   * answer, the per-sender rate limit) are skipped because a person decided. Robots, loops, permissions on the
   * matched ticket and the attachment limit still apply.
   */
  released?: boolean;
  /** The support address of the account the mail was fetched from (unknown for the command line). */
  fetchedFor?: string;
  /** Sender facts read ahead for a batch; by default each is a query. */
  lookups?: SenderLookups;
  /** Opens the ticket through the use case; the group commit passes one that opens a round's tickets together. */
  open?: (actor: Actor, input: OpenTicketInput) => Promise<OpenedTicket>;
}

export interface Decision {
  effect: Effect;
  role: 'customer' | 'agent' | 'unknown';
  text: string;
}

/** What a decision module returns; the router adds the sender's role. */
export type Outcome = Omit<Decision, 'role'>;
