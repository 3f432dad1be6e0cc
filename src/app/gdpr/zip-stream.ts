import { PassThrough, type Readable } from 'node:stream';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

export interface ZipWriter {
  /** The archive as it is written: the response body. */
  stream: Readable;
  /** Adds a file; resolves when the reader has taken what was written (so one file at a time is in memory). */
  add(path: string, data: Uint8Array, o?: { compress: boolean }): Promise<void>;
  end(): void;
  fail(err: Error): void;
}

/** A ZIP archive written as a stream (fflate), so that an export of many files never sits whole in memory. */
export function zipStream(): ZipWriter {
  const out = new PassThrough();
  const zip = new Zip((err, chunk, final) => {
    if (out.destroyed) return;
    if (err) {
      out.destroy(err);
      return;
    }
    out.write(chunk);
    if (final) out.end();
  });
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  return {
    stream: out,
    async add(path, data, o = { compress: true }) {
      if (out.destroyed) throw new Error('the download was abandoned');
      const file = o.compress ? new ZipDeflate(path, { level: 6 }) : new ZipPassThrough(path);
      zip.add(file);
      file.push(data, true);
      if (out.writableNeedDrain) await drained();
    },
    end: () => zip.end(),
    fail: (err) => out.destroy(err),
  };
}
