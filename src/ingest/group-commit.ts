import type { AppContext } from '../app/context.js';
import type { Tx } from '../db/db.js';
import { chains } from './chains.js';
import type { Decision } from './decide.js';
import { preloadedLookups } from './lookups.js';
import type { Effect, IngestReport } from './outcome.js';
import {
  effectOf,
  type InboundMessage,
  type IngestDeps,
  outcomeUpdate,
  type Prepared,
  recordColumns,
  reportOf,
  unrecorded,
} from './process-message.js';
import { TicketRound } from './ticket-round.js';

export interface BatchItem {
  uid: number;
  msg: InboundMessage;
  prepared: Prepared;
}

type Outcome = { report: IngestReport } | { id: number; e: Effect; dec?: Decision };

/** One statement for the outcomes of a round's records. */
async function writeOutcomes(trx: Tx, rows: readonly ({ id: number } & ReturnType<typeof outcomeUpdate>)[]) {
  if (!rows.length) return;
  const values = rows.map(() => '(?::bigint, ?, ?, ?::bigint, ?::bigint, ?, ?::bytea, ?::jsonb)').join(', ');
  await trx.raw(
    `update inbound_mails m set outcome = v.outcome, reason = v.reason, ticket_id = v.ticket_id,
       followup_id = v.followup_id, quarantine_state = v.quarantine_state, raw = v.raw, details = v.details
     from (values ${values}) as v(id, outcome, reason, ticket_id, followup_id, quarantine_state, raw, details)
     where m.id = v.id`,
    rows.flatMap((r) => [
      r.id,
      r.outcome,
      r.reason,
      r.ticket_id,
      r.followup_id,
      r.quarantine_state,
      r.raw,
      r.details,
    ]),
  );
}

/** Messages of different chains (no shared sender, subject or thread): records, effects and outcomes together. */
async function commitRound(
  d: IngestDeps,
  trx: Tx,
  items: readonly BatchItem[],
  mode: 'inbox' | 'sent',
): Promise<IngestReport[]> {
  const rows: { id: number; uid: number }[] = await trx('inbound_mails')
    .insert(
      items.map((it) => ({
        ...recordColumns(it.msg, it.prepared),
        message_id: it.prepared.messageId,
        outcome: 'processing',
      })),
    )
    .onConflict()
    .ignore()
    .returning(['id', 'uid']);
  const idOf = new Map(rows.map((r) => [Number(r.uid), r.id]));
  const app: AppContext = { ...d.app, db: trx };
  const senders = items.flatMap((it) => (it.prepared.parsed?.from ? [it.prepared.parsed.from.address] : []));
  const lookups = await preloadedLookups(trx, senders);
  const round = new TicketRound(app);
  const outcomes = await round.run(
    items.map((it) => async (): Promise<Outcome> => {
      const { msg, prepared: p } = it;
      const id = idOf.get(it.uid);
      if (id === undefined) return { report: await unrecorded(d, trx, msg, p, {}) };
      return { id, ...(await effectOf(d, trx, msg, p, id, mode, { lookups, open: round.open })) };
    }),
  );
  const updates = outcomes.flatMap((o, i) => {
    const it = items[i] as BatchItem;
    return 'report' in o ? [] : [{ id: o.id, ...outcomeUpdate(it.msg, it.prepared, o.e, o.dec) }];
  });
  await writeOutcomes(trx, updates);
  return outcomes.map((o, i) => {
    const it = items[i] as BatchItem;
    return 'report' in o ? o.report : reportOf(d, it.prepared, {}, o.e, o.id, o.dec);
  });
}

/**
 * Group commit: a batch of messages in the caller's transaction, one WAL flush for all. The batch goes in rounds
 * (the n-th message of each chain), so a reply still comes after the message that opens its ticket; each round
 * costs a fixed number of statements. Any failure throws, and the caller retries the messages one by one.
 */
export async function commitBatch(
  d: IngestDeps,
  trx: Tx,
  items: readonly BatchItem[],
  mode: 'inbox' | 'sent',
): Promise<Map<number, IngestReport>> {
  const groups = chains(items);
  const reports = new Map<number, IngestReport>();
  for (let r = 0; ; r++) {
    const round = groups.flatMap((g) => (g[r] ? [g[r]] : []));
    if (!round.length) return reports;
    const done = await commitRound(d, trx, round, mode);
    for (const [i, it] of round.entries()) reports.set(it.uid, done[i] as IngestReport);
  }
}
