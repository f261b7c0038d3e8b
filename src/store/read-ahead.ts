import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/**
 * A long stream read with a worker thread a step ahead: the worker reads the file into shared
 * buffers and checks every line's hash while this thread parses the chunk before, so reading a long
 * history costs little more than parsing it. Both threads see the very same bytes. The reader gets,
 * per chunk, the first line whose hash does not match; should the worker fail or fall silent, the
 * reader reads the rest itself: every line is always checked.
 */
export interface ReadJob {
  readonly path: string;
  readonly ino: number;
  readonly offset: number;
  readonly chunk: number;
  readonly slots: number;
  readonly ctrl: SharedArrayBuffer;
  readonly port: MessagePort;
}

export type ReadAheadMessage =
  | { readonly kind: 'ring'; readonly ring: SharedArrayBuffer[] }
  /** Newline-terminated lines at file offset `at`, ring[slot][0, lines) (or `bytes` when the slot grew). */
  | { readonly kind: 'chunk'; readonly slot: number; readonly lines: number; readonly at: number; readonly bad: number; readonly bytes?: SharedArrayBuffer }
  /** The whole lines ended at offset `at` (the file, or its records, ended): the reader reads on from there. */
  | { readonly kind: 'end'; readonly at: number }
  | { readonly kind: 'failed'; readonly reason: string };

/** Slots of the shared control array. */
export const CTRL = { POSTED: 0, PRODUCED: 1, RELEASED: 2, WAITING: 3, CANCEL: 4, DONE: 5 } as const;

const CHUNK = 2 << 20;
const SLOTS = 8;
/** How long the reader waits for the worker to make progress before reading on by itself. */
const PATIENCE_MS = 30_000;

let worker: Worker | null = null;
let broken = false;

const theWorker = (): Worker | null => {
  if (broken) return null;
  if (!worker) {
    try {
      const w = new Worker(new URL('./read-ahead-worker.js', import.meta.url));
      w.unref();
      w.on('error', (e: Error) => {
        // Reads go on without it (on this thread), but a worker that cannot start is a broken install.
        process.emitWarning(`tack: the store's read-ahead worker failed (${e.message.split('\n')[0]}); reading on this thread`);
        broken = true;
        worker = null;
      });
      w.on('exit', () => {
        if (worker === w) worker = null;
      });
      worker = w;
    } catch {
      broken = true;
      return null;
    }
  }
  return worker;
};

export type Chunk = { readonly bytes: Buffer; readonly lines: number; readonly at: number; readonly bad: number };
export type End = { readonly at: number };

export class ReadAhead {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * 8));
  private readonly channel = new MessageChannel();
  private ring: SharedArrayBuffer[] = [];

  private constructor(w: Worker, path: string, ino: number, offset: number) {
    const job: ReadJob = { path, ino, offset, chunk: CHUNK, slots: SLOTS, ctrl: this.ctrl.buffer as SharedArrayBuffer, port: this.channel.port2 };
    w.postMessage(job, [this.channel.port2]);
  }

  /** Start reading `path` (of inode `ino`) from `offset` on the worker; null when there is no worker. */
  static start(path: string, ino: number, offset: number): ReadAhead | null {
    const w = theWorker();
    return w ? new ReadAhead(w, path, ino, offset) : null;
  }

  /** The next chunk, the end of the file, or null when the worker failed (the caller reads on from the last chunk). */
  next(): Chunk | End | null {
    let deadline = Date.now() + PATIENCE_MS;
    while (true) {
      const posted = Atomics.load(this.ctrl, CTRL.POSTED);
      const m = receiveMessageOnPort(this.channel.port1)?.message as ReadAheadMessage | undefined;
      if (m) {
        switch (m.kind) {
          case 'ring':
            this.ring = m.ring;
            deadline = Date.now() + PATIENCE_MS;
            continue;
          case 'chunk':
            if (m.bytes) this.ring[m.slot] = m.bytes;
            return { bytes: Buffer.from(this.ring[m.slot]), lines: m.lines, at: m.at, bad: m.bad };
          case 'end':
            return { at: m.at };
          case 'failed':
            return null;
        }
      }
      if (Atomics.load(this.ctrl, CTRL.DONE) === 1 && Atomics.load(this.ctrl, CTRL.POSTED) === posted) return null;
      if (Date.now() > deadline) return null;
      Atomics.wait(this.ctrl, CTRL.POSTED, posted, 100);
    }
  }

  /** The last chunk is checked: its buffer may be reused. Wakes the worker once half the ring is free. */
  release(): void {
    const released = Atomics.add(this.ctrl, CTRL.RELEASED, 1) + 1;
    if (Atomics.load(this.ctrl, CTRL.WAITING) === 1 && Atomics.load(this.ctrl, CTRL.PRODUCED) - released <= SLOTS / 2)
      Atomics.notify(this.ctrl, CTRL.RELEASED);
  }

  /** Stop the worker (if it is still reading) and wait until it has let go of the file. */
  close(): void {
    Atomics.store(this.ctrl, CTRL.CANCEL, 1);
    Atomics.notify(this.ctrl, CTRL.RELEASED);
    const deadline = Date.now() + PATIENCE_MS;
    while (Atomics.load(this.ctrl, CTRL.DONE) !== 1 && Date.now() < deadline) Atomics.wait(this.ctrl, CTRL.DONE, 0, 100);
    this.channel.port1.close();
  }
}
