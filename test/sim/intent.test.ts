import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { intentsOf, ruleIntentsOf, type Intent } from '../../src/sim/intent.js';
import { readOutcome } from '../../src/sim/outcome.js';

const means = (text: string, intent: Intent) => assert.ok(intentsOf(text).has(intent), `"${text}" should mean ${intent}`);
const doesNotMean = (text: string, intent: Intent) => assert.ok(!intentsOf(text).has(intent), `"${text}" should not mean ${intent}`);

describe('what messages mean to the sim', () => {
  it('hears "stop exploring" in several phrasings, and not in unrelated messages', () => {
    means('Enough exploration. Stop reading and start acting: make the change the task asks for.', 'stop_exploring');
    means('You have looked around enough - quit investigating and write the output file now.', 'stop_exploring');
    means("No more poking around. It's time to implement the fix.", 'stop_exploring');
    means('You have used many tool calls. Stop exploring, write the required outputs now, then verify them.', 'stop_exploring');
    doesNotMean('Note: the office coffee machine is broken today.', 'stop_exploring');
    doesNotMean('The tests live in /tests and are run after you finish.', 'stop_exploring');
  });

  it('hears a refusal of a duplicate command, whatever its wording', () => {
    means('That exact command already failed. Do not run it again; change your approach.', 'no_repeat');
    means('Refusing to execute an identical command a third time: try a different approach.', 'no_repeat');
    means("You've already run that; pick another strategy.", 'no_repeat');
    doesNotMean('bash: line 1: /app/tools/report.sh: Permission denied', 'no_repeat');
    doesNotMean('mkdir: cannot create directory: File exists', 'no_repeat');
  });

  it('hears "recreate the missing file" and "verify before finishing"', () => {
    means('A file you need is missing. Recreate the missing artifact now before doing anything else.', 'recreate_artifact');
    means('The output does not exist any more; produce it again.', 'recreate_artifact');
    doesNotMean("cat: /app/out.txt: No such file or directory", 'recreate_artifact');
    means("Before finishing: re-read the task, run the task's checks on your result, and fix anything that fails.", 'verify_before_finish');
    means("Hold on - you haven't verified anything yet. Run the tests first.", 'verify_before_finish');
    doesNotMean('Please keep your summary short.', 'verify_before_finish');
  });

  it('counts only system-prompt rules that name a weakness specifically', () => {
    const minimal = [
      'Start by understanding the task and the files involved.',
      'Make the changes the task asks for using the shell and file tools.',
      'Check that your result meets the task before finishing.',
      'If a command fails, read the error and adjust.',
    ].join('\n');
    assert.deepEqual([...ruleIntentsOf(minimal)], []);
    assert.deepEqual([...ruleIntentsOf('- Never retry the exact same command with the same parameters.')], ['no_repeat']);
    assert.deepEqual([...ruleIntentsOf('- Spend no more than 3 steps exploring before you make a change.')], ['stop_exploring']);
    assert.deepEqual([...ruleIntentsOf('- Each shell call is a fresh shell: chain cd and export with the commands that need them.')], ['keep_environment']);
    assert.deepEqual([...ruleIntentsOf('- Run the checks and fix failed sanity checks before finishing.')], ['verify_before_finish']);
  });
});

describe('how the sim reads a tool result', () => {
  it('takes the exit code in its usual spellings', () => {
    for (const text of ['exit code: 2\nboom', '[exit 2] boom', '{"exitCode":2,"output":"boom"}', 'boom\nProcess exited with 2'])
      assert.equal(readOutcome(text).status, 'failed', text);
    assert.equal(readOutcome('exit code: 0\nall good').status, 'ok');
  });

  it('notices a shell error even when the pipeline exits 0, and error words without an exit code', () => {
    assert.equal(readOutcome('exit code: 0\nbash: line 1: /app/x.txt: No such file or directory').status, 'failed');
    assert.equal(readOutcome('error: /app/x: No such file or directory').status, 'failed');
    assert.equal(readOutcome('wrote 12 bytes').status, 'ok');
  });

  it('tells a refusal and rejected arguments from a failure', () => {
    assert.equal(readOutcome('Refusing to run an identical command again: it failed already. Try a different approach.').status, 'refused');
    assert.equal(readOutcome('error: invalid JSON arguments; call the tool again').status, 'invalid');
    assert.equal(
      readOutcome('error: the arguments of this bash call are not a valid JSON object (Unexpected end of JSON input); nothing was run.').status,
      'invalid',
    );
  });
});
