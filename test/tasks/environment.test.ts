import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadTask } from '../../src/tasks/loader.js';
import { prepareEnvironment } from '../../src/tasks/environment.js';
import { resolveSandboxMode } from '../../src/tasks/sandbox.js';
import { runTasks, type AgentFn } from '../../src/tasks/runner.js';
import { nullAgent, oracleAgent } from '../../src/tasks/reference-agents.js';
import { fixtureTask, tempDir } from './fixtures.js';

describe('environments without Docker', () => {
  let cacheDir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  before(async () => {
    ({ dir: cacheDir, cleanup } = await tempDir('env-cache'));
  });
  after(() => cleanup());

  it('prepares a Terminal-Bench style task (files in /opt, ENV, WORKDIR, RUN, verifier venv) once, recording the substitutions', async () => {
    const task = loadTask(fixtureTask('word-report'));
    const sandbox = resolveSandboxMode();
    const env = await prepareEnvironment(task, { ...sandbox, cacheDir });
    assert.equal(env.status, 'ready');
    assert.ok(env.status === 'ready');
    assert.equal(env.workdir, '/app');
    assert.equal(env.env.APP_MODE, 'production');
    assert.equal(env.env.TOOL_LABEL, 'word tool 1.2');
    assert.ok(env.substitutions.some((s) => /venv \/opt\/verifier-venv over Debian's system site packages/.test(s)));
    assert.ok(env.substitutions.some((s) => /pytest==8\.4\.1 -> Debian's python3-pytest/.test(s) && /pytest-json-ctrf -> tack's CTRF reporter/.test(s)));
    assert.ok(env.notes.some((n) => /FROM python:3\.13-slim-bookworm: a language image/.test(n)));
    const again = await prepareEnvironment(task, { ...sandbox, cacheDir });
    assert.ok(again.status === 'ready');
    assert.equal(again.dir, env.dir, 'the prepared environment is reused');
  });

  it('passes with the oracle and fails with the null agent, and the verifier writes its CTRF report', async () => {
    const tasks = [loadTask(fixtureTask('word-report'))];
    const [oracle] = await runTasks({ tasks, attempts: 1, concurrency: 1, agent: oracleAgent, cacheDir });
    assert.equal(oracle.exitReason, 'finished', oracle.error ?? '');
    assert.equal(oracle.passed, true, oracle.verifierExcerpt);
    assert.equal(oracle.reward, 1);
    assert.equal(oracle.verifier?.rewardSource, 'reward.txt');
    assert.deepEqual(oracle.verifier?.ctrf && [oracle.verifier.ctrf.tests, oracle.verifier.ctrf.passed, oracle.verifier.ctrf.failed], [3, 3, 0]);
    assert.ok(oracle.notes.some((n) => n.startsWith('substituted offline (preparation): venv /opt/verifier-venv')));

    const [none] = await runTasks({ tasks, attempts: 1, concurrency: 1, agent: nullAgent, cacheDir });
    assert.equal(none.passed, false);
    assert.equal(none.reward, 0);
    assert.equal(none.exitReason, 'finished');
    assert.deepEqual(none.verifier?.ctrf?.failedTests.map((t) => t.name).sort(), ['test_outputs.py::test_report_content', 'test_outputs.py::test_report_exists']);
  });

  it('satisfies uv fetched with curl at test time, hashed requirements and apt-get of installed packages offline', async () => {
    const tasks = [loadTask(fixtureTask('uvx-check'))];
    const [oracle] = await runTasks({ tasks, attempts: 1, concurrency: 1, agent: oracleAgent, cacheDir });
    assert.equal(oracle.passed, true, oracle.verifierExcerpt);
    assert.equal(oracle.verifier?.ctrf?.passed, 1);
    const notes = oracle.notes.join('\n');
    assert.match(notes, /substituted offline \(preparation\): apt-get install of python3, curl: already installed/);
    assert.match(notes, /substituted offline \(preparation\): .*iniconfig, packaging, pluggy, pygments: provided by Debian's packages/);
    assert.match(notes, /substituted offline \(verifier\): uv installer -> tack's offline uv\/uvx stand-ins/);
    assert.match(notes, /substituted offline \(verifier\): pytest -> Debian's python3-pytest .* \(asked for Python 3\.13/);
    const [none] = await runTasks({ tasks, attempts: 1, concurrency: 1, agent: nullAgent, cacheDir });
    assert.equal(none.passed, false);
    assert.equal(none.verifier?.ctrf?.failed, 1);
  });

  it('reports environment unavailable offline, with the failing line, apart from agent failures', async () => {
    let agentRuns = 0;
    const counting: AgentFn = async () => {
      agentRuns += 1;
      return { exitReason: 'finished' };
    };
    const names = ['apt-missing', 'unsupported-instruction', 'pip-other', 'prebuilt-image'];
    const results = await runTasks({ tasks: names.map((n) => loadTask(fixtureTask(n))), attempts: 1, concurrency: 2, agent: counting, cacheDir });
    assert.equal(agentRuns, 0, 'no agent runs in an environment that cannot be built');
    for (const r of results) {
      assert.equal(r.exitReason, 'environment_unavailable', r.taskId);
      assert.equal(r.passed, false);
      assert.equal(r.environment.status, 'unavailable');
      assert.match(String(r.error), /^environment unavailable offline: /);
    }
    const [apt, unsupported, pip, prebuilt] = results;
    assert.equal(apt.environment.line, 'RUN apt-get install -y some-missing-package-tack');
    assert.match(String(apt.error), /some-missing-package-tack is not available offline/);
    assert.match(apt.verifierExcerpt, /RUN apt-get install -y some-missing-package-tack/);
    assert.equal(unsupported.environment.line, 'ONBUILD RUN echo never');
    assert.match(String(unsupported.error), /ONBUILD is outside the supported Dockerfile subset/);
    assert.equal(pip.environment.line, 'RUN pip install --no-cache-dir pytest==8.4.1 numpy==2.1.0');
    assert.match(String(pip.error), /pip install of numpy is not available offline/);
    assert.match(String(prebuilt.error), /only a prebuilt docker_image \(example\/prebuilt:1\.0\)/);
  });
});
