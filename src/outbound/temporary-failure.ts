/** A temporary failure (4xx, connection, a batch being sent elsewhere): the job is retried later with backoff. */
export class TemporaryFailure extends Error {
  override name = 'TemporaryFailure';
}
