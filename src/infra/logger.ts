import pino, { type Logger } from 'pino';

export type { Logger };

/** One JSON line per event; pretty when a person watches a terminal. */
export function createLogger(level: string, name = 'izardesk'): Logger {
  const pretty = process.stdout.isTTY && process.env.NODE_ENV !== 'production';
  return pino({
    name,
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}
