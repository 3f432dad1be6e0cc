import { loadConfig } from '../config/config.js';
import { createLogger } from '../infra/logger.js';
import { connectServices, type Services } from '../runtime/services.js';

/** Runs a one-shot command with connected services, and closes them after. */
export async function withServices<T>(fn: (s: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const s = await connectServices(
    config,
    createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL),
  );
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
