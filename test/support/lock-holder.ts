/**
 * A second process for lock tests.
 * - `hold PATH`: take the lock, say "held", and keep it until killed.
 * - `try PATH`: try for 200 ms and print "ran" or the error; `try-shared PATH`: the same with the readers' lock.
 * - `write PATH FILE AT BYTES`: take the lock, say "held", wait 300 ms, write the bytes of the file
 *   BYTES into FILE at offset AT (made durable), and let go: a writer in the middle of an append.
 */
import { closeSync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { withLock } from '../../src/store/lock.js';

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const [mode, path, file, at, bytesFile] = process.argv.slice(2);
if (mode === 'hold') {
  withLock(path, () => {
    process.stdout.write('held\n');
    sleep(120_000);
  });
} else if (mode === 'write') {
  const bytes = readFileSync(bytesFile);
  withLock(path, () => {
    process.stdout.write('held\n');
    sleep(300);
    const fd = openSync(file, 'r+');
    writeSync(fd, bytes, 0, bytes.length, Number(at));
    fdatasyncSync(fd);
    closeSync(fd);
  });
} else {
  try {
    process.stdout.write(withLock(path, () => 'ran', { timeoutMs: 200, shared: mode === 'try-shared' }));
  } catch (e) {
    process.stdout.write((e as Error).message);
  }
}
