import type { AppContext } from '../app/context.js';
import { type OpenedTicket, type OpenTicketInput, openTickets } from '../app/tickets/open-ticket.js';
import type { Actor } from '../domain/ticket-status.js';

interface Waiting {
  owner: number;
  actor: Actor;
  input: OpenTicketInput;
  resolve: (t: OpenedTicket) => void;
  reject: (err: unknown) => void;
}

/**
 * Runs a round's decisions one at a time (they share the transaction's connection and its savepoints). A decision
 * that opens a ticket waits there while the next one runs; the waiting tickets are then opened together through
 * the use case, and each decision resumes in turn.
 */
export class TicketRound {
  private waiting: Waiting[] = [];
  private current = 0;
  private parked: (() => void) | null = null;

  constructor(private readonly app: AppContext) {}

  readonly open = (actor: Actor, input: OpenTicketInput): Promise<OpenedTicket> =>
    new Promise((resolve, reject) => {
      this.waiting.push({ owner: this.current, actor, input, resolve, reject });
      this.parked?.();
    });

  /** Runs (or resumes) one decision until it ends or waits for its ticket. */
  private async step(owner: number, go: () => Promise<unknown>): Promise<void> {
    this.current = owner;
    const parked = new Promise<void>((r) => {
      this.parked = r;
    });
    await Promise.race([go(), parked]);
  }

  async run<T>(starts: readonly (() => Promise<T>)[]): Promise<T[]> {
    const tasks: Promise<T>[] = [];
    for (const [i, start] of starts.entries())
      await this.step(i, () => {
        const task = start();
        tasks.push(task);
        return task;
      });
    while (this.waiting.length) {
      const batch = this.waiting.splice(0);
      const results = await openTickets(this.app, batch);
      for (const [j, w] of batch.entries())
        await this.step(w.owner, () => {
          const r = results[j];
          if (r?.ok) w.resolve({ ticketId: r.ticketId });
          else w.reject(r?.error ?? new Error('no result for a ticket request'));
          return tasks[w.owner] as Promise<T>;
        });
    }
    return Promise.all(tasks);
  }
}
