import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { firstBadHash } from './record-hash.js';
import { CTRL, type ReadJob, type ReadAheadMessage } from './read-ahead.js';

/**
 * The worker side of read-ahead.ts: read a stream file chunk by chunk into a ring of shared buffers,
 * check every line's hash, and hand each chunk to the reader, staying at most a ring ahead of it.
 */
let ring: SharedArrayBuffer[] = [];

const run = (job: ReadJob): void => {
  const ctrl = new Int32Array(job.ctrl);
  const post = (m: ReadAheadMessage) => {
    job.port.postMessage(m);
    Atomics.add(ctrl, CTRL.POSTED, 1);
    Atomics.notify(ctrl, CTRL.POSTED);
  };
  const cancelled = () => Atomics.load(ctrl, CTRL.CANCEL) === 1;
  let fd = -1;
  try {
    fd = openSync(job.path, 'r');
    if (fstatSync(fd).ino !== job.ino) throw new Error('the file changed identity');
    if (ring.length !== job.slots || ring.some((b) => b.byteLength < job.chunk))
      ring = Array.from({ length: job.slots }, () => new SharedArrayBuffer(job.chunk));
    post({ kind: 'ring', ring });
    let carry: Buffer = Buffer.alloc(0);
    let at = job.offset;
    for (let produced = 0; ; produced++) {
      // Wait for a free buffer; the reader wakes this thread only once half the ring is free.
      while (produced - Atomics.load(ctrl, CTRL.RELEASED) >= job.slots && !cancelled()) {
        Atomics.store(ctrl, CTRL.WAITING, 1);
        const released = Atomics.load(ctrl, CTRL.RELEASED);
        if (produced - released >= job.slots && !cancelled()) Atomics.wait(ctrl, CTRL.RELEASED, released, 100);
        Atomics.store(ctrl, CTRL.WAITING, 0);
      }
      if (cancelled()) return;
      const slot = produced % job.slots;
      let buf = Buffer.from(ring[slot]);
      let grown: SharedArrayBuffer | undefined;
      if (carry.length >= buf.length) {
        grown = new SharedArrayBuffer(carry.length * 2);
        buf = Buffer.from(grown);
      }
      carry.copy(buf);
      let have = carry.length;
      let lines = 0;
      let eof = false;
      while (lines === 0 && !eof) {
        if (have === buf.length) {
          grown = new SharedArrayBuffer(buf.length * 2);
          const bigger = Buffer.from(grown);
          buf.copy(bigger, 0, 0, have);
          buf = bigger;
        }
        const n = readSync(fd, buf, have, buf.length - have, at + have);
        if (n === 0) eof = true;
        // The records end at the first NUL byte (the file's preallocated rest, or a torn write):
        // the reader looks at what follows itself.
        const nul = n === 0 ? -1 : buf.subarray(0, have + n).indexOf(0, have);
        have = nul < 0 ? have + n : nul;
        if (nul >= 0) eof = true;
        lines = have === 0 ? 0 : buf.lastIndexOf(10, have - 1) + 1;
      }
      if (grown) ring[slot] = grown;
      carry = eof ? Buffer.alloc(0) : Buffer.from(buf.subarray(lines, have));
      if (lines > 0) {
        post({ kind: 'chunk', slot, lines, at, bad: firstBadHash(buf, lines), bytes: grown });
        Atomics.add(ctrl, CTRL.PRODUCED, 1);
        at += lines;
      }
      if (eof) {
        post({ kind: 'end', at });
        return;
      }
    }
  } catch (e) {
    post({ kind: 'failed', reason: (e as Error).message });
  } finally {
    if (fd >= 0) closeSync(fd);
    Atomics.store(ctrl, CTRL.DONE, 1);
    Atomics.notify(ctrl, CTRL.DONE);
  }
};

parentPort?.on('message', run);
