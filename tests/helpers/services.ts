import { afterAll } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/infra/logger.js';
import { connectServices, type Services } from '../../src/runtime/services.js';
import { type TestDb, testRedisPrefix } from './db.js';

/**
 * Process services (config, logger, db, redis) on this file's database and its own Redis prefix.
 * `env` overrides configuration exactly as environment variables would. Closed after the file.
 */
export async function useTestServices(t: TestDb, env: Record<string, string> = {}): Promise<Services> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: t.url,
    REDIS_PREFIX: testRedisPrefix(),
    SECRET: 'test-secret-test-secret-test-secret-0123',
    PORT: '0',
    // Agents' mail about customer follow-ups at once, unless a test is about that window.
    AGENT_FOLLOWUP_MAIL_DELAY_SECONDS: '0',
    ...env,
  });
  const s = await connectServices(config, createLogger(config.LOG_LEVEL));
  afterAll(() => s.close());
  return s;
}
