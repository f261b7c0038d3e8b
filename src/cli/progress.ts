import type { ProgressEvent } from '../tasks/index.js';

/** A live progress line on a terminal (nothing when stderr is not one): done/total, ETA, last result. */
export const progressLine = (total: number, label: string) => {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let passed = 0;
  const write = (text: string) => {
    if (tty) process.stderr.write(`\r\x1b[K${text}`);
  };
  return {
    update: (e: ProgressEvent<unknown>) => {
      if (e.type !== 'attempt_finished') return;
      if (e.result.passed) passed++;
      const elapsed = (Date.now() - started) / 1000;
      const eta = e.done > 0 ? Math.round((elapsed / e.done) * (total - e.done)) : 0;
      write(`${label}: ${e.done}/${total} attempts, ${passed} passed, ETA ${eta}s (last: ${e.result.taskId} #${e.result.attempt} ${e.result.passed ? 'passed' : e.result.exitReason})`);
    },
    done: () => write(''),
  };
};
