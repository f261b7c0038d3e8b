import type { Harness } from '../../domain/harness.js';
import { capOutput } from './output-cap.js';
import { ShellSession, type PersistFlag } from './shell-session.js';
import { functionSpec, stringArg, type Tool } from './tool.js';

type BashSettings = Harness['tools']['bash'];

const carriesText = (persist: ReadonlySet<PersistFlag>): string => {
  if (persist.size === 0)
    return 'Each call runs in a fresh shell: exported variables, PATH changes and cd do not carry over to the next call.';
  const kept = [persist.has('exports') && 'exported variables', persist.has('path') && 'PATH', persist.has('cwd') && 'the working directory']
    .filter((x): x is string => typeof x === 'string')
    .join(', ');
  return `Calls share one shell session: ${kept} carry over to the next call.`;
};

/**
 * `bash {command}`: one command per call, a per-call timeout that kills its whole process group,
 * output capped head and tail. The session decides what carries from one call to the next (when it
 * persists nothing, every call is a fresh shell).
 */
export const bashTool = (settings: BashSettings, workdir: string, session: ShellSession): Tool => ({
  spec: functionSpec(
    'bash',
    `Run a bash command in ${workdir}. ${carriesText(session.persist)} ` +
      `A command is killed after ${settings.timeoutSec} s; long output is cut in the middle.`,
    { command: { description: 'The bash command to run.' } },
  ),
  async run(args, ctx) {
    const command = stringArg('bash', args, 'command');
    if ('error' in command) return { content: command.error, ok: false };
    const timeoutSec = Math.max(1, Math.min(settings.timeoutSec, Math.ceil(ctx.secondsLeft())));
    const persistent = session.persist.size > 0;
    const result = await ctx.workspace.exec(persistent ? session.wrap(command.value) : command.value, { timeoutSec });
    const output = persistent ? session.absorb(result.output) : result.output;
    const capped = capOutput(output, settings.outputCapBytes);
    const status = result.timedOut
      ? `[timed out after ${timeoutSec} s: the command and its child processes were killed]`
      : `[exit code ${result.exitCode ?? 'none: killed'}]`;
    const body = capped.text.length > 0 ? (capped.text.endsWith('\n') ? capped.text : capped.text + '\n') : '(no output)\n';
    return {
      content: body + status,
      ok: !result.timedOut && result.exitCode === 0,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      elidedBytes: capped.elided,
    };
  },
});
