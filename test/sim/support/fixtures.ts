import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Small tasks in the suite layout, annotated for the sim (see src/sim/README.md). */
export const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'sim-tasks');

export const taskDir = (task: string): string => join(FIXTURES, task);

export const instructionOf = (task: string): string => readFileSync(join(FIXTURES, task, 'instruction.md'), 'utf8');
