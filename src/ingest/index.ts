import type { RunningPart } from '../runtime/part.js';
import type { Services } from '../runtime/services.js';

/** Mailbox watchers. Off when no mailbox is configured. */
export async function startIngest(s: Services): Promise<RunningPart> {
  const detail = s.config.imapEnabled ? 'not built yet' : 'off: no mailbox configured (IMAP_HOST, IMAP_USER)';
  s.logger.info(`ingest ${detail}`);
  return { name: 'imap', stop: async () => {}, health: async () => ({ ok: true, detail }) };
}
