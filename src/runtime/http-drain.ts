import type { Server, ServerResponse } from 'node:http';

/**
 * Graceful close for an HTTP server: stop accepting connections, let requests in flight finish,
 * answer them with `Connection: close`, and drop keep-alive connections as soon as they are idle.
 * Call once when the server starts; the returned function closes it.
 */
export function drainable(server: Server): () => Promise<void> {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  server.on('request', (_req, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });
  return () =>
    new Promise<void>((resolve) => {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      // A kept-alive socket becomes idle when its last response ends; close those as they appear.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      server.close(() => {
        clearInterval(sweep);
        resolve();
      });
      server.closeIdleConnections();
    });
}
