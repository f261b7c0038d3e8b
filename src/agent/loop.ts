import { AgentRun, type RunInput, type RunResult } from './agent-run.js';
import { FINISH } from './tools/toolbox.js';

export type { RunInput, RunResult, RunSummary, AgentExitReason } from './agent-run.js';

/**
 * The agent loop: ask the model, act on its tool calls, until it finishes or a limit, a policy or
 * a model error stops it. Policies plug in around each step (see AgentRun and policies/).
 */
export const runAgent = async (input: RunInput): Promise<RunResult> => {
  const run = new AgentRun(input);
  while (!run.stopped()) {
    const limit = run.limitReached();
    if (limit) {
      run.end(limit);
      break;
    }
    run.beforeModel();
    const reply = await run.callModel();
    if (!reply) break;
    const { turn, place } = reply;
    const finish = turn.toolCalls.find((c) => c.name === FINISH) ?? null;
    for (const call of turn.toolCalls) {
      if (call === finish) continue;
      if (call.name === FINISH) run.skip(call, place, 'finish was already called in this turn');
      else await run.act(call, place);
    }
    if (run.stopped()) {
      if (finish) run.skip(finish, place, 'the run stopped before finishing was considered');
    } else if (finish || turn.toolCalls.length === 0) run.finish(finish, turn, place);
    run.endTurn();
  }
  return run.result();
};
