/**
 * A second process for lock tests. `hold PATH`: take the lock, say "held", and keep it until killed.
 * `try PATH`: try for 200 ms and print "ran" or the error.
 */
import { withLock } from '../../src/store/lock.js';

const [mode, path] = process.argv.slice(2);
if (mode === 'hold') {
  withLock(path, () => {
    process.stdout.write('held\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
  });
} else {
  try {
    process.stdout.write(withLock(path, () => 'ran', { timeoutMs: 200 }));
  } catch (e) {
    process.stdout.write((e as Error).message);
  }
}
