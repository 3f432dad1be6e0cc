import { stripSubjectPrefixes } from '../domain/reference.js';
import type { Prepared } from './process-message.js';

/**
 * Splits a batch into chains that may run side by side: messages sharing a sender, a subject, or a thread
 * (Message-ID ↔ In-Reply-To/References) stay in one chain, in mailbox order, so a reply never overtakes the
 * message that opens its ticket and a sender's rate limit counts in order.
 */
export function chains<T extends { prepared: Prepared }>(items: readonly T[]): T[][] {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  const owner = new Map<string, number>();
  const link = (key: string, i: number) => {
    const j = owner.get(key);
    if (j === undefined) owner.set(key, i);
    else parent[find(i)] = find(j);
  };
  items.forEach(({ prepared: p }, i) => {
    if (p.from) link(`f:${p.from}`, i);
    const subject = stripSubjectPrefixes(p.subject).toLowerCase();
    if (subject) link(`s:${subject}`, i);
    const ids = [p.messageId, p.parsed?.inReplyTo, ...(p.parsed?.references ?? [])];
    for (const id of ids) if (id) link(`m:${id}`, i);
    if (!p.parsed) link('unparsed', i);
  });
  const groups = new Map<number, T[]>();
  items.forEach((item, i) => {
    const root = find(i);
    const g = groups.get(root) ?? [];
    g.push(item);
    groups.set(root, g);
  });
  return [...groups.values()];
}
