import type { HealthCheck } from './health.js';

/** A running piece of a process (web server, outbound worker, mailbox watcher) that can be stopped gracefully. */
export interface RunningPart {
  name: string;
  stop(): Promise<void>;
  health?: HealthCheck;
}
