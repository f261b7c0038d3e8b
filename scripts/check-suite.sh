#!/bin/bash
# check-suite.sh SUITE_DIR [TASK_ID...]
#
# Development aid for authors of the built-in suites (suites/core, suites/mini); tack itself never
# runs this. For every task it emulates the Dockerfile subset the suites use (FROM, WORKDIR, ENV,
# COPY of local files into /app, /opt, /srv or /usr/local, RUN of local commands) in a throwaway
# root under bubblewrap (host Debian read-only, /app writable, no network), then checks:
#   - layout: task.toml keys, instruction.md, environment/Dockerfile, tests/test.sh, solution/solve.sh;
#   - solve.sh annotations: at least one `# tack-step:` and `# tack-check:`, a `# tack-artifact:`
#     in the first step, every step command complete on its own line (or a heredoc), no
#     `# tack-` marker inside a heredoc;
#   - null agent (nothing runs) => reward 0; oracle (`bash /solution/solve.sh` in WORKDIR) => reward 1;
#   - after the oracle, every `# tack-check:` command exits 0 and every artifact exists; so does each
#     check right after the steps up to and including its own step;
#   - creating each missing `# tack-artifact:` path as an empty file before the oracle does no harm;
#   - every `# tack-pitfall:` command exits non-zero when run after the steps before its own step;
#   - every draft block: with the draft in place of the step that follows it, the reward is 0 and a
#     `# tack-check:` of that step exits non-zero; with the draft run before that step, the reward is 1;
#   - the oracle also passes when every command runs in its own fresh sandboxed shell with only the
#     cd/export/source lines of `# tack-env` steps replayed (so nothing else, e.g. /tmp files or shell
#     variables, carries over between commands), and those lines appear only in `# tack-env` steps.
# Options (environment): JOBS=N parallel tasks (default 2), KEEP=1 keeps the work directories.
# Exit status 0 when every task passes every check.
set -euo pipefail
if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: scripts/check-suite.sh SUITE_DIR [TASK_ID...]" >&2
  exit 2
fi
command -v bwrap >/dev/null || { echo "check-suite: bubblewrap (bwrap) is required" >&2; exit 2; }
exec /usr/bin/python3 -c "$(cat <<'PY'
import concurrent.futures, json, os, re, shlex, shutil, subprocess, sys, tempfile, tomllib

SUITE = os.path.abspath(sys.argv[1])
ONLY = sys.argv[2:]
JOBS = int(os.environ.get('JOBS', '2'))
KEEP = os.environ.get('KEEP') == '1'
STD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
# Directories a task may write at build time; each is an empty directory in the emulated root.
OVERLAYS = ['/app', '/opt', '/srv', '/usr/local']
SYSTEM = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32', 'usr', 'etc', 'var']


class TaskError(Exception):
    pass


def parse_dockerfile(path):
    text = open(path).read()
    text = re.sub(r'\\\n', ' ', text)
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        word, _, rest = line.partition(' ')
        out.append((word.upper(), rest.strip()))
    return out


def overlay_of(path):
    for o in OVERLAYS:
        if path == o or path.startswith(o + '/'):
            return o
    raise TaskError(f'path {path} is outside the emulated writable dirs {OVERLAYS}')


def sandbox_cmd(root, binds, workdir, argv):
    cmd = ['bwrap', '--unshare-user', '--uid', '0', '--gid', '0', '--unshare-net', '--unshare-pid',
           '--unshare-ipc', '--unshare-uts', '--hostname', 'task', '--die-with-parent', '--new-session',
           '--tmpfs', '/']
    for name in SYSTEM:
        p = '/' + name
        if os.path.islink(p):
            cmd += ['--symlink', os.readlink(p), p]
        elif os.path.isdir(p):
            cmd += ['--ro-bind', p, p]
    cmd += ['--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--tmpfs', '/var/tmp', '--tmpfs', '/run',
            '--dir', '/root']
    for o in OVERLAYS:
        host = root + o
        if os.path.isdir(host) and (o == '/app' or os.listdir(host)):
            cmd += ['--bind', host, o]
    for src, dst, mode in binds:
        cmd += ['--ro-bind' if mode == 'ro' else '--bind', src, dst]
    cmd += ['--chdir', workdir, '--'] + argv
    return cmd


def run_in(task, root, argv, binds=(), timeout=120, extra_env=None):
    env = {'PATH': STD_PATH, 'HOME': '/root'}
    env.update(task['env'])
    if extra_env:
        env.update(extra_env)
    r = subprocess.run(sandbox_cmd(root, binds, task['workdir'], argv), env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    return r.returncode, r.stdout.decode('utf-8', 'replace')


def prepare(task, root):
    for o in OVERLAYS:
        os.makedirs(root + o, exist_ok=True)
    envdir = os.path.join(task['dir'], 'environment')
    workdir = '/'
    for word, rest in parse_dockerfile(os.path.join(envdir, 'Dockerfile')):
        if word == 'FROM':
            if rest not in ('debian:bookworm-slim', 'python:3.11-slim-bookworm'):
                raise TaskError(f'FROM {rest} is not a supported base')
        elif word == 'WORKDIR':
            workdir = rest if rest.startswith('/') else os.path.join(workdir, rest)
            overlay_of(workdir)
            os.makedirs(root + workdir, exist_ok=True)
        elif word == 'ENV':
            parts = shlex.split(rest)
            if len(parts) == 2 and '=' not in parts[0]:
                task['env'][parts[0]] = parts[1]
            else:
                for p in parts:
                    k, _, v = p.partition('=')
                    task['env'][k] = v
        elif word == 'COPY':
            parts = [p for p in shlex.split(rest) if not p.startswith('--')]
            if any(p.startswith('--') for p in shlex.split(rest)):
                raise TaskError(f'COPY flags are not emulated: {rest}')
            *srcs, dst = parts
            if not dst.startswith('/'):
                dst = os.path.join(workdir, dst)
            overlay_of(dst)
            for s in srcs:
                src = os.path.normpath(os.path.join(envdir, s))
                if not src.startswith(envdir + '/') or not os.path.exists(src):
                    raise TaskError(f'COPY source {s} is not a file next to the Dockerfile')
                if os.path.isdir(src):
                    shutil.copytree(src, root + dst, dirs_exist_ok=True, symlinks=True)
                elif dst.endswith('/') or len(srcs) > 1 or os.path.isdir(root + dst):
                    os.makedirs(root + dst, exist_ok=True)
                    shutil.copy2(src, os.path.join(root + dst, os.path.basename(src)))
                else:
                    os.makedirs(os.path.dirname(root + dst), exist_ok=True)
                    shutil.copy2(src, root + dst)
        elif word == 'RUN':
            task['workdir'] = workdir
            argv = json.loads(rest) if rest.startswith('[') else ['/bin/sh', '-c', rest]
            rc, out = run_in(task, root, argv, timeout=300)
            if rc != 0:
                raise TaskError(f'RUN failed ({rc}): {rest}\n{out[-2000:]}')
        else:
            raise TaskError(f'Dockerfile instruction {word} is outside the subset')
    task['workdir'] = workdir


def heredoc_end(line):
    m = re.search(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1", line)
    return m.group(2) if m else None


def parse_solution(path):
    """Steps of solve.sh: [{title, lines:[(lineno, text)], checks, pitfalls, artifacts, env, draft}]"""
    lines = open(path).read().split('\n')
    steps, pending_draft, i = [], None, 0
    errors = []
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if s.startswith('# tack-step:'):
            steps.append({'title': s[12:].strip(), 'start': i, 'cmds': [], 'checks': [], 'pitfalls': [],
                          'artifacts': [], 'env': False, 'draft': pending_draft})
            pending_draft = None
        elif s == '# tack-draft-begin':
            j = i + 1
            body = []
            while j < len(lines) and lines[j].strip() != '# tack-draft-end':
                body.append(re.sub(r'^\s*# ?', '', lines[j]))
                j += 1
            if j == len(lines):
                errors.append(f'line {i + 1}: tack-draft-begin without tack-draft-end')
            pending_draft = {'lines': body, 'start': i, 'end': j}
            i = j
        elif s.startswith('# tack-check:'):
            if steps:
                steps[-1]['checks'].append(s[13:].strip())
            else:
                errors.append(f'line {i + 1}: check before any step')
        elif s.startswith('# tack-pitfall:'):
            if steps:
                steps[-1]['pitfalls'].append(s[15:].strip())
            else:
                errors.append(f'line {i + 1}: pitfall before any step')
        elif s.startswith('# tack-artifact:'):
            if steps:
                steps[-1]['artifacts'].append(s[16:].strip())
            else:
                errors.append(f'line {i + 1}: artifact before any step')
        elif s == '# tack-env':
            if steps:
                steps[-1]['env'] = True
        elif s.startswith('# tack-'):
            errors.append(f'line {i + 1}: unknown marker {s}')
        elif s and not s.startswith('#'):
            if not steps:
                errors.append(f'line {i + 1}: command before the first tack-step: {s}')
            else:
                end = heredoc_end(line)
                block = [line]
                if end:
                    j = i + 1
                    while j < len(lines) and lines[j].strip() != end:
                        if lines[j].strip().startswith('# tack-'):
                            errors.append(f'line {j + 1}: tack marker inside a heredoc')
                        block.append(lines[j])
                        j += 1
                    if j == len(lines):
                        errors.append(f'line {i + 1}: heredoc {end} not closed')
                    block.append(lines[j] if j < len(lines) else '')
                    i = j
                cmd = '\n'.join(block)
                rc = subprocess.run(['bash', '-n', '-c', cmd], capture_output=True).returncode
                if rc != 0:
                    errors.append(f'line {i + 1}: not a complete command on its own: {s}')
                steps[-1]['cmds'].append(cmd)
        i += 1
    if pending_draft:
        errors.append('draft block not followed by a tack-step')
    return lines, steps, errors


def script_text(steps, upto=None, draft_mode=None, draft_step=None):
    """Rebuild a runnable script from steps. draft_mode: 'replace' or 'before' for step draft_step."""
    out = []
    for k, st in enumerate(steps):
        if upto is not None and k >= upto:
            break
        if k == draft_step and draft_mode:
            out.extend(st['draft']['lines'])
            if draft_mode == 'replace':
                continue
        out.extend(st['cmds'])
    return '\n'.join(out) + '\n'


def reward_of(logs):
    p = os.path.join(logs, 'verifier', 'reward.txt')
    try:
        return float(open(p).read().strip())
    except (OSError, ValueError):
        return 0.0


def attempt(task, prepared, work, name, agent_script=None, after=None):
    """Fresh copy of the prepared root; run agent_script (text) then `after` commands, then tests."""
    root = os.path.join(work, name)
    shutil.copytree(prepared, root, symlinks=True)
    logs = os.path.join(work, name + '-logs')
    os.makedirs(os.path.join(logs, 'verifier'))
    out = ''
    if agent_script is not None:
        sol = os.path.join(work, name + '-solution')
        os.makedirs(sol)
        with open(os.path.join(sol, 'solve.sh'), 'w') as f:
            f.write(agent_script)
        shutil.copytree(os.path.join(task['dir'], 'solution'), sol, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns('solve.sh'))
        rc, out = run_in(task, root, ['bash', '/solution/solve.sh'], binds=[(sol, '/solution', 'ro')],
                         timeout=task['agent_timeout'])
    after_rcs = []
    for cmd in (after or []):
        rc, o = run_in(task, root, ['bash', '-c', cmd], timeout=60)
        after_rcs.append((cmd, rc, o))
    rc, vout = run_in(task, root, ['bash', '/tests/test.sh'],
                      binds=[(os.path.join(task['dir'], 'tests'), '/tests', 'ro'), (logs, '/logs', 'rw')],
                      timeout=task['verifier_timeout'])
    return reward_of(logs), out, vout, after_rcs


ENV_LINE = re.compile(r'^\s*(cd|export|source|\.)\s')


def split_attempt(task, prepared, work, steps):
    """The oracle as an agent whose shell tool starts a fresh sandboxed shell per command: only the
    cd/export/source lines of `# tack-env` steps are carried over (replayed before each command)."""
    root = os.path.join(work, 'split')
    shutil.copytree(prepared, root, symlinks=True)
    logs = os.path.join(work, 'split-logs')
    os.makedirs(os.path.join(logs, 'verifier'))
    sol = os.path.join(task['dir'], 'solution')
    env_lines, outs = [], []
    for st in steps:
        for cmd in st['cmds']:
            _, o = run_in(task, root, ['bash', '-c', '\n'.join(env_lines + [cmd])], binds=[(sol, '/solution', 'ro')],
                          timeout=task['agent_timeout'])
            outs.append(f'$ {cmd}\n{o}')
            if st['env'] and ENV_LINE.match(cmd):
                env_lines.append(cmd)
    _, vout = run_in(task, root, ['bash', '/tests/test.sh'],
                     binds=[(os.path.join(task['dir'], 'tests'), '/tests', 'ro'), (logs, '/logs', 'rw')],
                     timeout=task['verifier_timeout'])
    return reward_of(logs), ''.join(outs), vout


def check_task(tid):
    tdir = os.path.join(SUITE, tid)
    problems = []
    for f in ['task.toml', 'instruction.md', 'environment/Dockerfile', 'tests/test.sh', 'solution/solve.sh']:
        if not os.path.isfile(os.path.join(tdir, f)):
            return [f'missing {f}']
    toml = tomllib.load(open(os.path.join(tdir, 'task.toml'), 'rb'))
    try:
        assert toml['version'] == '1.0'
        md = toml['metadata']
        assert md['difficulty'] in ('easy', 'medium', 'hard') and md['category'] and md['tags']
        env = toml['environment']
        assert env['workdir'] == '/app' and env['allow_internet'] is False
        agent_timeout = float(toml['agent']['timeout_sec'])
        verifier_timeout = float(toml['verifier']['timeout_sec'])
    except (KeyError, AssertionError) as e:
        return [f'task.toml incomplete or wrong: {e!r}']
    lines, steps, errs = parse_solution(os.path.join(tdir, 'solution', 'solve.sh'))
    problems += errs
    if not steps:
        return problems + ['no tack-step']
    if not any(st['checks'] for st in steps):
        problems.append('no tack-check')
    if not steps[0]['artifacts']:
        problems.append('no tack-artifact in the first step')
    for st in steps:
        env_cmds = [c for c in st['cmds'] if ENV_LINE.match(c)]
        if st['env'] and not env_cmds:
            problems.append(f'step "{st["title"]}" is marked tack-env but has no cd/export/source line')
        if env_cmds and not st['env']:
            problems.append(f'step "{st["title"]}" sets environment ({env_cmds[0]}) without a tack-env mark')
    task = {'dir': tdir, 'env': {}, 'workdir': '/app', 'agent_timeout': agent_timeout,
            'verifier_timeout': verifier_timeout}
    work = tempfile.mkdtemp(prefix=f'check-{tid}-')
    try:
        prepared = os.path.join(work, 'prepared')
        prepare(task, prepared)
        r, _, vout, _ = attempt(task, prepared, work, 'null')
        if r != 0:
            problems.append(f'null agent got reward {r}\n{vout[-1500:]}')
        checks = [c for st in steps for c in st['checks']]
        arts = [a for st in steps for a in st['artifacts']]
        r, out, vout, rcs = attempt(task, prepared, work, 'oracle', open(os.path.join(tdir, 'solution', 'solve.sh')).read(),
                                    after=checks + [f'test -e {shlex.quote(a)}' for a in arts])
        if r != 1:
            problems.append(f'oracle got reward {r}\n--- oracle output\n{out[-2500:]}\n--- verifier\n{vout[-2500:]}')
        for cmd, rc, o in rcs:
            if rc != 0:
                problems.append(f'after the oracle, check exits {rc}: {cmd}\n{o[-800:]}')
        touch = ''.join(f'[ -e {shlex.quote(a)} ] || {{ mkdir -p "$(dirname {shlex.quote(a)})" && : > {shlex.quote(a)}; }}\n'
                        for a in arts)
        r, out, vout, _ = attempt(task, prepared, work, 'artifacts-first', touch + script_text(steps))
        if r != 1:
            problems.append(f'oracle after creating the missing artifacts as empty files got reward {r}\n{out[-1500:]}\n{vout[-1500:]}')
        r, out, vout = split_attempt(task, prepared, work, steps)
        if r != 1:
            problems.append(f'oracle with a fresh shell per command (tack-env lines replayed) got reward {r}\n{out[-2500:]}\n{vout[-1500:]}')
        for k, st in enumerate(steps):
            if st['checks'] and k < len(steps) - 1:
                _, _, _, rcs = attempt(task, prepared, work, f'step{k}', script_text(steps, upto=k + 1), after=st['checks'])
                for cmd, rc, o in rcs:
                    if rc != 0:
                        problems.append(f'right after step "{st["title"]}", its check exits {rc}: {cmd}\n{o[-800:]}')
            for pit in st['pitfalls']:
                script = script_text(steps, upto=k) + 'set +e\n' + pit + '\necho "PITFALL_RC=$?"\n'
                _, out, _, _ = attempt(task, prepared, work, f'pitfall{k}', script)
                m = re.search(r'PITFALL_RC=(\d+)', out)
                if not m or m.group(1) == '0':
                    problems.append(f'pitfall does not fail: {pit}\n{out[-800:]}')
            if st['draft']:
                if not st['checks']:
                    problems.append(f'draft before step "{st["title"]}" but that step has no tack-check')
                r, out, vout, rcs = attempt(task, prepared, work, f'draft{k}',
                                            script_text(steps, draft_mode='replace', draft_step=k), after=st['checks'])
                if r != 0:
                    problems.append(f'draft in place of step "{st["title"]}" still gets reward {r}')
                if rcs and all(rc == 0 for _, rc, _ in rcs):
                    problems.append(f'no check of step "{st["title"]}" catches its draft')
                r, out, vout, _ = attempt(task, prepared, work, f'redo{k}',
                                          script_text(steps, draft_mode='before', draft_step=k))
                if r != 1:
                    problems.append(f'draft then step "{st["title"]}" gets reward {r}\n{out[-1500:]}\n{vout[-1500:]}')
    except TaskError as e:
        problems.append(str(e))
    except subprocess.TimeoutExpired as e:
        problems.append(f'timeout: {e}')
    finally:
        if not KEEP:
            subprocess.run(['chmod', '-R', 'u+rwX', work])
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f'{tid}: kept {work}', file=sys.stderr)
    return problems


ids = ONLY or sorted(d for d in os.listdir(SUITE) if os.path.isfile(os.path.join(SUITE, d, 'task.toml')))
failed = 0
with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
    for tid, problems in zip(ids, pool.map(check_task, ids)):
        if problems:
            failed += 1
            print(f'FAIL {tid}')
            for p in problems:
                print('  ' + p.replace('\n', '\n    '))
        else:
            print(f'ok   {tid}')
        sys.stdout.flush()
print(f'{len(ids) - failed}/{len(ids)} tasks pass every check')
sys.exit(1 if failed else 0)
PY
)" "$@"
