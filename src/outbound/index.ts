import type { RunningPart } from '../runtime/part.js';
import type { Services } from '../runtime/services.js';

/** Outbox relay and notification sender. */
export async function startOutbound(s: Services): Promise<RunningPart> {
  s.logger.info('outbound worker: not built yet');
  return { name: 'outbound', stop: async () => {} };
}
