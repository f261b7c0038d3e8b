/**
 * Builds a task's environment without a Docker engine, once per task content, and caches it.
 *
 * Approach (Debian 12's bubblewrap 0.8 has no --overlay): the environment is a host directory that
 * becomes the task root `/` in the sandbox: a copy of the host's /etc and /var (without apt's caches,
 * the host's logs and its services' data), fresh /root (from /etc/skel), /home, /opt, /srv, /tmp,
 * /app..., and a fresh /usr/local beside it.
 * The host's /usr (and dpkg's database, which describes it) is bound read-only over it, so the host's
 * Debian stands in for the image. The
 * Dockerfile's instructions are interpreted in order in one sandbox session over that directory:
 * RUN runs there without network, COPY/ADD copy from the task's environment/ folder (bound read-only),
 * WORKDIR creates the folder. Everything a step writes outside /usr lands in the environment directory;
 * a write into /usr fails (read-only), which marks the task unavailable like any failing step.
 * Attempts get a fresh copy of the directory (about 10 MB).
 *
 * The known verifier-tooling installs (pip install pytest / pytest-json-ctrf, a verifier venv, the uv
 * installer and uvx) are satisfied by tack's offline stand-ins (assets/offline-tooling, mounted at
 * /tack with /tack/bin first on PATH during preparation and verification); each substitution is
 * recorded. Anything else that needs the network fails, and the task is "environment unavailable offline".
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, resolve, sep } from 'node:path';
import { contentHash, type Task } from './loader.js';
import { firstUnsupported, parseDockerfile, UnsupportedInstruction, type Instruction } from './dockerfile.js';
import { OFFLINE_TOOLING_DIR } from './assets.js';
import {
  BASE_ENV,
  hostSystemEntries,
  LocalWorkspace,
  PathMap,
  removeTree,
  SandboxEventLog,
  SandboxSession,
  type SandboxLayout,
  type SandboxMode,
} from './sandbox.js';
import type { ExecResult } from '../agent/workspace.js';

/** Bumped when the layout of a prepared environment changes, so old caches are not reused. */
const ENVIRONMENT_FORMAT = 'tack-env-5';

/** Every file of a prepared environment carries this time (2000-01-01 UTC), so attempts start from the same tree anywhere. */
export const FIXED_FILE_TIME = 946_684_800;

export interface PreparedEnvironment {
  readonly status: 'ready';
  readonly taskHash: string;
  readonly mode: SandboxMode;
  /** The cache directory of this environment. */
  readonly dir: string;
  /** Host directory that is the task root `/` (copied for each attempt). */
  readonly rootfs: string;
  /** Host directory that is /usr/local (copied for each attempt). */
  readonly usrLocal: string;
  /** Where the agent starts, as the task sees it. */
  readonly workdir: string;
  /** The image's environment (ENV lines over tack's base variables), for the agent and the verifier. */
  readonly env: Readonly<Record<string, string>>;
  /** Offline substitutions made while preparing (recorded in the trace). */
  readonly substitutions: readonly string[];
  readonly notes: readonly string[];
}

export interface UnavailableEnvironment {
  readonly status: 'unavailable';
  readonly taskHash: string;
  readonly mode: SandboxMode;
  /** One line: why the environment cannot be built offline. */
  readonly reason: string;
  /** The Dockerfile line that failed or is outside the subset, when there is one. */
  readonly line: string | null;
  /** Tail of the failing step's output. */
  readonly output: string;
  readonly substitutions: readonly string[];
  readonly notes: readonly string[];
}

export type EnvironmentResult = PreparedEnvironment | UnavailableEnvironment;

export interface PrepareOptions {
  readonly mode: SandboxMode;
  /** bwrap executable (bubblewrap mode). */
  readonly bwrap: string | null;
  /** Cache directory (default: <tmpdir>/tack-env-cache). */
  readonly cacheDir?: string;
}

export const defaultCacheDir = (): string => join(tmpdir(), 'tack-env-cache');

/**
 * Where attempts' private copies live while they run. Each attempt copies its environment (about
 * 1,500 files and links) and removes it afterwards; on a disk filesystem creating and removing those
 * entries costs the kernel about 0.4 s per attempt in journal work, on tmpfs about a quarter of that.
 * So: TACK_WORK_DIR when set, else a folder of this user's on /dev/shm when that is a tmpfs that
 * allows running programs, else <tmpdir>/tack-attempts.
 */
export const defaultWorkRoot = (): string => {
  const chosen = process.env.TACK_WORK_DIR;
  if (chosen !== undefined && chosen !== '') return resolve(chosen);
  const uid = process.getuid?.() ?? 0;
  if (shmUsable(uid)) return `/dev/shm/tack-attempts-${uid}`;
  return join(tmpdir(), 'tack-attempts');
};

let shm: boolean | undefined;
const shmUsable = (uid: number): boolean => {
  if (shm !== undefined) return shm;
  shm = false;
  try {
    const line = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f[1] === '/dev/shm')
      .pop();
    if (line === undefined || line[2] !== 'tmpfs' || line[3].split(',').some((o) => o === 'noexec' || o === 'ro')) return false;
    // A folder someone else made (or a link) is not ours to run attempts in.
    const dir = `/dev/shm/tack-attempts-${uid}`;
    if (!existsSync(dir)) mkdirSync(dir, { mode: 0o700 });
    const st = lstatSync(dir);
    shm = st.isDirectory() && st.uid === uid;
  } catch {
    shm = false;
  }
  return shm;
};

/** Inside the sandbox during preparation and verification. */
export const TOOLING_MOUNT = '/tack';
export const TOOLING_LOG = '/tack/log/tooling.jsonl';
const CONTEXT_MOUNT = '/.tack-context';
const OUTPUT_TAIL = 2000;

const hostFingerprint = (): string => {
  const h = createHash('sha256');
  for (const f of ['/etc/os-release', '/var/lib/dpkg/status']) {
    try {
      const st = statSync(f);
      h.update(`${f}\0${st.size}\0${st.mtimeMs}\0`);
      if (f === '/etc/os-release') h.update(readFileSync(f));
    } catch {
      h.update(`${f}\0missing\0`);
    }
  }
  return h.digest('hex');
};

let toolingHash: string | null = null;

const cacheKey = (task: Task, mode: SandboxMode): string => {
  toolingHash ??= contentHash(OFFLINE_TOOLING_DIR);
  return createHash('sha256').update(`${ENVIRONMENT_FORMAT}\0${mode}\0${task.hash}\0${toolingHash}\0${hostFingerprint()}`).digest('hex').slice(0, 32);
};

const inFlight = new Map<string, Promise<EnvironmentResult>>();

/**
 * The task's prepared environment: from the cache when this task content was prepared before on this
 * host, else built now (concurrent callers for the same task share one build).
 */
export const prepareEnvironment = (task: Task, options: PrepareOptions): Promise<EnvironmentResult> => {
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const key = cacheKey(task, options.mode);
  const finalDir = join(cacheDir, key);
  const running = inFlight.get(finalDir);
  if (running) return running;
  const p = (async () => (await readCached(finalDir)) ?? buildAndStore(task, options, cacheDir, finalDir))().finally(() => inFlight.delete(finalDir));
  inFlight.set(finalDir, p);
  return p;
};

/**
 * The two trees of a prepared environment, by the same names wherever they are (the build folder, the
 * cache, an attempt's copy): the task root and its /usr/local.
 */
const TREE_NAMES = ['rootfs', 'usr-local'] as const;
const treesIn = (dir: string): { rootfs: string; usrLocal: string } => ({ rootfs: join(dir, TREE_NAMES[0]), usrLocal: join(dir, TREE_NAMES[1]) });

type Stored = Omit<PreparedEnvironment, 'dir' | 'rootfs' | 'usrLocal'> | UnavailableEnvironment;

const readCached = async (dir: string): Promise<EnvironmentResult | null> => {
  let stored: Stored;
  try {
    stored = JSON.parse(await readFile(join(dir, 'environment.json'), 'utf8')) as Stored;
  } catch {
    return null;
  }
  if (stored.status === 'unavailable') return stored;
  return { ...stored, dir, ...treesIn(dir) };
};

const buildAndStore = async (task: Task, options: PrepareOptions, cacheDir: string, finalDir: string): Promise<EnvironmentResult> => {
  await mkdir(cacheDir, { recursive: true });
  const buildDir = join(cacheDir, `.build-${randomBytes(6).toString('hex')}`);
  await mkdir(buildDir);
  try {
    const result = await build(task, options, buildDir);
    if (result.status === 'ready') {
      // A fixed clock for file times: `ls -l`, make and find -newer see the same tree on every machine.
      for (const tree of Object.values(treesIn(buildDir))) {
        const r = await runHost('find', [tree, '-exec', 'touch', '-h', '-d', `@${FIXED_FILE_TIME}`, '{}', '+']);
        if (r.code !== 0) throw new Error(`tack: cannot set file times in ${tree}: ${r.output.trim()}`);
      }
    }
    const stored: Stored = result.status === 'ready' ? { ...result } : result;
    if (result.status === 'unavailable') {
      for (const tree of Object.values(treesIn(buildDir))) await removeTree(tree);
    }
    await removeTree(join(buildDir, 'tooling-log'));
    await writeFile(join(buildDir, 'environment.json'), JSON.stringify(stored, null, 2));
    try {
      await rename(buildDir, finalDir);
    } catch {
      // Another process stored the same environment first: use theirs.
      await removeTree(buildDir);
    }
    const cached = await readCached(finalDir);
    if (cached === null) throw new Error(`tack: prepared environment vanished from ${finalDir}`);
    return cached;
  } catch (e) {
    await removeTree(buildDir);
    throw e;
  }
};

type BuildResult = Omit<PreparedEnvironment, 'dir' | 'rootfs' | 'usrLocal'> | UnavailableEnvironment;

/** Runs a command on the host (seeding the task root); resolves with its exit code and output. */
const runHost = (command: string, args: readonly string[]): Promise<{ code: number | null; output: string }> =>
  new Promise((resolvePromise) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => chunks.push(d));
    child.once('error', (e) => resolvePromise({ code: null, output: e.message }));
    child.once('close', (code) => resolvePromise({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });

const USR_LOCAL_DIRS = ['bin', 'etc', 'games', 'include', 'lib', 'man', 'sbin', 'share', 'src'];
const ROOT_DIRS: readonly [string, number][] = [
  ['boot', 0o755],
  ['dev', 0o755],
  ['home', 0o755],
  ['media', 0o755],
  ['mnt', 0o755],
  ['opt', 0o755],
  ['proc', 0o755],
  ['root', 0o700],
  ['run', 0o755],
  ['run/lock', 0o1777],
  ['srv', 0o755],
  ['tmp', 0o1777],
  ['usr', 0o755],
];

/** The task root before any instruction: the host's /etc and /var, empty Debian-image directories. */
const seedRoot = async (rootfs: string, usrLocal: string): Promise<void> => {
  await mkdir(rootfs);
  for (const [d, mode] of ROOT_DIRS) {
    await mkdir(join(rootfs, d), { recursive: true });
    await chmod(join(rootfs, d), mode);
  }
  for (const e of hostSystemEntries()) {
    if (e.kind === 'link') await symlink(e.target, join(rootfs, e.name));
    else await mkdir(join(rootfs, e.name));
  }
  // Not copied: the host's secrets (password hashes, private keys; replaced by locked accounts below),
  // apt's caches and lists (large, useless offline), dpkg's database (the sandbox binds the host's,
  // read-only, as it describes the host's /usr), the host's logs, and its services' data (/var/lib
  // folders owned by a service user, e.g. a database cluster): none of these belongs in a task root.
  const excludes = [
    './etc/shadow',
    './etc/shadow-',
    './etc/gshadow',
    './etc/gshadow-',
    './etc/.pwd.lock',
    './etc/security/opasswd',
    './etc/ssl/private/*',
    './etc/ssh/ssh_host_*',
    './var/cache/apt/archives/*',
    './var/cache/apt/*.bin',
    './var/lib/apt/lists/*',
    './var/lib/dpkg/*',
    './var/tmp/*',
    './var/log/*',
  ];
  for (const name of await readdir('/var/lib').catch(() => [] as string[])) {
    const st = await lstat(join('/var/lib', name));
    if (st.isDirectory() && st.uid !== 0) excludes.push(`./var/lib/${name}/*`);
  }
  // Unprivileged, some host files are unreadable: they are left out, as they are invisible to this user anyway.
  const tar = await runHost('sh', [
    '-c',
    'dest="$1"; shift; tar -C / --ignore-failed-read "$@" -cf - ./etc ./var 2>/dev/null | tar -C "$dest" -xf -',
    'sh',
    rootfs,
    ...excludes.map((e) => `--exclude=${e}`),
  ]);
  if (tar.code !== 0) throw new Error(`tack: cannot copy the host's /etc and /var: ${tar.output.trim()}`);
  await writeLockedShadow(rootfs);
  for (const name of await readdir('/etc/skel').catch(() => [] as string[])) {
    await runHost('cp', ['-a', join('/etc/skel', name), join(rootfs, 'root', name)]);
  }
  await mkdir(usrLocal);
  for (const d of USR_LOCAL_DIRS) await mkdir(join(usrLocal, d));
};

/** /etc/shadow and /etc/gshadow with every account locked (the host's password hashes stay on the host). */
const writeLockedShadow = async (rootfs: string): Promise<void> => {
  const names = async (file: string): Promise<string[]> =>
    (await readFile(join(rootfs, 'etc', file), 'utf8').catch(() => ''))
      .split('\n')
      .map((l) => l.split(':')[0])
      .filter((n) => n !== '');
  const shadow = (await names('passwd')).map((n) => `${n}:*:19000:0:99999:7:::\n`).join('');
  const gshadow = (await names('group')).map((n) => `${n}:*::\n`).join('');
  await writeFile(join(rootfs, 'etc', 'shadow'), shadow, { mode: 0o640 });
  await writeFile(join(rootfs, 'etc', 'gshadow'), gshadow, { mode: 0o640 });
};

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const tail = (s: string): string => (s.length > OUTPUT_TAIL ? '...' + s.slice(-OUTPUT_TAIL) : s);

/** The image being "FROM": the host's Debian always stands in; say how well it fits. */
const describeBase = (image: string): string => {
  const name = image.toLowerCase();
  if (/(^|\/)(alpine|fedora|centos|rockylinux|almalinux|amazonlinux|archlinux|opensuse|busybox)(:|$)|-alpine/.test(name)) {
    return `FROM ${image}: not Debian-like; the host's Debian stands in (package names and tools may differ)`;
  }
  if (/(^|\/)ubuntu(:|$)/.test(name)) return `FROM ${image}: Ubuntu; the host's Debian stands in (close, not identical)`;
  if (/(^|\/)(python|node|golang|rust|openjdk|eclipse-temurin|ruby|php)(:|$)/.test(name)) {
    return `FROM ${image}: a language image; the host's Debian and its own runtimes stand in (versions may differ)`;
  }
  return `FROM ${image}: the host's Debian stands in`;
};

interface ToolingRecord {
  readonly kind: 'substituted' | 'refused';
  readonly command: string;
  readonly detail: string;
}

/** Reads (and empties) the offline tooling's log. */
export const takeToolingLog = async (file: string): Promise<ToolingRecord[]> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  await writeFile(file, '');
  const out: ToolingRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as ToolingRecord);
    } catch {
      continue;
    }
  }
  return out;
};

export const describeSubstitution = (r: ToolingRecord): string => `${r.detail} (for: ${r.command})`;

/** Files of the build context matching a COPY source (with * and ? wildcards), as context-relative paths. */
const matchContext = async (context: string, source: string): Promise<string[] | 'outside'> => {
  const normalized = posix.normalize(source.replace(/^\/+/, ''));
  if (normalized === '..' || normalized.startsWith('../')) return 'outside';
  if (normalized === '.' || normalized === '') return ['.'];
  if (!/[*?[]/.test(normalized)) return existsSync(join(context, normalized)) ? [normalized] : [];
  const segments = normalized.split('/');
  const toRegExp = (seg: string): RegExp =>
    new RegExp('^' + seg.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*+/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
  let current = [''];
  for (const seg of segments) {
    const next: string[] = [];
    for (const base of current) {
      if (!/[*?[]/.test(seg)) {
        const p = base === '' ? seg : `${base}/${seg}`;
        if (existsSync(join(context, p))) next.push(p);
        continue;
      }
      const re = toRegExp(seg);
      for (const name of (await readdir(join(context, base)).catch(() => [] as string[])).sort()) {
        if (re.test(name)) next.push(base === '' ? name : `${base}/${name}`);
      }
    }
    current = next;
  }
  return current;
};

const TAR_ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2|tar\.xz|txz)$/;

/** Runs one build step: a command (sandbox paths) with the build's environment. */
type StepRunner = (command: string, env: Readonly<Record<string, string>>, timeoutSec: number) => Promise<ExecResult>;

const build = async (task: Task, options: PrepareOptions, buildDir: string): Promise<BuildResult> => {
  const base = { taskHash: task.hash, mode: options.mode };
  const notes: string[] = [];
  const substitutions: string[] = [];
  const unavailable = (reason: string, line: string | null = null, output = ''): UnavailableEnvironment => ({
    status: 'unavailable',
    ...base,
    reason: `environment unavailable offline: ${reason}`,
    line,
    output: tail(output),
    substitutions,
    notes,
  });
  if (task.dockerfile === null) {
    return unavailable(`task.toml names only a prebuilt docker_image (${task.config.environment.dockerImage}) and there is no environment/Dockerfile`);
  }
  if (task.config.environment.dockerImage !== null) notes.push(`docker_image ${task.config.environment.dockerImage} not used: built from environment/Dockerfile`);
  if (task.config.environment.allowInternet) notes.push('allow_internet = true in task.toml, but tack runs tasks offline');
  let instructions;
  try {
    instructions = parseDockerfile(await readFile(task.dockerfile, 'utf8'));
  } catch (e) {
    if (e instanceof UnsupportedInstruction) return unavailable(e.reason, e.at.text);
    throw e;
  }
  const outside = firstUnsupported(instructions);
  if (outside !== null) return unavailable(outside.reason, outside.at.text);
  const { rootfs, usrLocal } = treesIn(buildDir);
  const context = join(task.dir, 'environment');
  const toolingLogDir = join(buildDir, 'tooling-log');
  await mkdir(toolingLogDir);
  const toolingLog = join(toolingLogDir, 'tooling.jsonl');
  await writeFile(toolingLog, '');

  let runStep: StepRunner;
  let close: () => Promise<void>;
  let finalWorkdirMustBe: string | null = null;
  if (options.mode === 'bubblewrap') {
    if (options.bwrap === null) throw new Error('tack: bubblewrap mode without a bwrap executable');
    await seedRoot(rootfs, usrLocal);
    const layout: SandboxLayout = {
      rootfs,
      usrLocal,
      binds: [
        { source: context, target: CONTEXT_MOUNT, readOnly: true },
        { source: join(OFFLINE_TOOLING_DIR, 'bin'), target: `${TOOLING_MOUNT}/bin`, readOnly: true },
        { source: join(OFFLINE_TOOLING_DIR, 'lib'), target: `${TOOLING_MOUNT}/lib`, readOnly: true },
        { source: toolingLogDir, target: `${TOOLING_MOUNT}/log`, readOnly: false },
      ],
    };
    const session = await SandboxSession.start(options.bwrap, layout, BASE_ENV, '/');
    runStep = (command, env, timeoutSec) => session.exec(command, { timeoutSec, env, cwd: '/' });
    close = async () => {
      await session.close();
      // Mount points bwrap created in the task root for preparation only (empty unless a step wrote there).
      for (const d of ['tack', '.tack-context', 'run/tack-executor.py']) await removeMountPoints(join(rootfs, d));
    };
  } else {
    // Without a sandbox only the workdir is a local folder: steps may touch nothing else.
    await mkdir(rootfs);
    await mkdir(usrLocal);
    const workdir = lastWorkdir(instructions) ?? task.config.environment.workdir ?? '/app';
    finalWorkdirMustBe = workdir;
    await mkdir(join(rootfs, ...workdir.split('/').filter((s) => s !== '')), { recursive: true });
    const paths = new PathMap({ [workdir]: join(rootfs, workdir), [CONTEXT_MOUNT]: context });
    const ws = new LocalWorkspace(workdir, paths, { ...BASE_ENV, HOME: join(buildDir, 'home') }, new SandboxEventLog());
    await mkdir(join(buildDir, 'home'));
    runStep = (command, env, timeoutSec) => ws.exec(command, { timeoutSec, env: { ...env, HOME: join(buildDir, 'home') } });
    close = async () => {
      await ws.close();
      await removeTree(join(buildDir, 'home'));
    };
    notes.push('unsafe mode (no sandbox): only the workdir is prepared; offline verifier tooling is not available');
  }

  const started = Date.now();
  const budgetSec = task.config.environment.buildTimeoutSec;
  const remaining = (): number => Math.max(1, budgetSec - (Date.now() - started) / 1000);
  const args: Record<string, string> = {};
  let env: Record<string, string> = { ...BASE_ENV };
  // Without a sandbox a step must never run in the host's own folders.
  let workdir = finalWorkdirMustBe ?? '/';
  let workdirSet = false;
  let shell: readonly string[] = ['/bin/sh', '-c'];
  let from = false;

  const stepEnv = (): Record<string, string> =>
    options.mode === 'bubblewrap'
      ? { ...args, ...env, PATH: `${TOOLING_MOUNT}/bin:${env.PATH ?? BASE_ENV.PATH}`, TACK_TOOLING_LOG: TOOLING_LOG }
      : { ...args, ...env };
  const collectTooling = async (): Promise<ToolingRecord[]> => {
    const records = await takeToolingLog(toolingLog);
    for (const r of records) {
      if (r.kind === 'substituted') substitutions.push(describeSubstitution(r));
      else notes.push(`offline tooling refused: ${r.detail} (for: ${r.command})`);
    }
    return records.filter((r) => r.kind === 'refused');
  };
  const inWorkdir = (command: string): string => `cd ${shellQuote(workdir)} && ${command}`;
  const outsideUnsafeRoot = (p: string): boolean =>
    finalWorkdirMustBe !== null && p !== finalWorkdirMustBe && !p.startsWith(finalWorkdirMustBe.replace(/\/$/, '') + '/');

  try {
    for (const logical of instructions) {
      let ins: Instruction;
      try {
        ins = logical.resolve({ ...args, ...env });
      } catch (e) {
        if (e instanceof UnsupportedInstruction) return unavailable(e.reason, e.at.text);
        throw e;
      }
      const fail = (reason: string, output = ''): UnavailableEnvironment => unavailable(reason, ins.text, output);
      switch (ins.kind) {
        case 'FROM':
          from = true;
          notes.push(describeBase(ins.image));
          break;
        case 'ARG':
          if (!(ins.name in args)) args[ins.name] = ins.defaultValue ?? '';
          break;
        case 'ENV':
          env = { ...env };
          for (const [k, v] of ins.pairs) env[k] = v;
          break;
        case 'SHELL':
          shell = ins.argv;
          break;
        case 'IGNORED':
          if (ins.note !== null) notes.push(ins.note);
          break;
        case 'WORKDIR': {
          const target = posix.resolve(workdir, ins.path);
          if (outsideUnsafeRoot(target)) return fail('a second working directory needs the bubblewrap sandbox');
          const r = await runStep(`mkdir -p -- ${shellQuote(target)}`, stepEnv(), remaining());
          if (r.exitCode !== 0) return fail(`cannot create the working directory ${target}`, r.output);
          workdir = target;
          workdirSet = true;
          break;
        }
        case 'COPY':
        case 'ADD': {
          const dest = posix.resolve(workdir, ins.dest);
          if (outsideUnsafeRoot(dest)) return fail(`${ins.kind} outside the workdir needs the bubblewrap sandbox`);
          const destIsDir = ins.dest.endsWith('/') || ins.sources.length > 1;
          const commands: string[] = [];
          for (const source of ins.sources) {
            const inline = source.startsWith('<<') ? ins.inline.find((h) => source.replace(/^<<-?["']?/, '').replace(/["']$/, '') === h.name) : undefined;
            if (inline !== undefined) {
              const staged = join(toolingLogDir, `inline-${randomBytes(4).toString('hex')}`);
              await writeFile(staged, inline.body);
              const target = destIsDir ? posix.join(dest, inline.name) : dest;
              const src = options.mode === 'bubblewrap' ? `${TOOLING_MOUNT}/log/${staged.split(sep).pop()}` : staged;
              commands.push(`mkdir -p -- ${shellQuote(posix.dirname(target))} && cp -- ${shellQuote(src)} ${shellQuote(target)}`);
              continue;
            }
            const matches = await matchContext(context, source);
            if (matches === 'outside') return fail(`${ins.kind} source ${source} is outside the build context`);
            if (matches.length === 0) return fail(`${ins.kind} source ${source} not found in environment/`);
            for (const m of matches) {
              const src = m === '.' ? CONTEXT_MOUNT : `${CONTEXT_MOUNT}/${m}`;
              const isDir = (await stat(join(context, m))).isDirectory();
              const cp = 'cp -R -P --preserve=mode,timestamps --';
              if (isDir) commands.push(`mkdir -p -- ${shellQuote(dest)} && ${cp} ${shellQuote(src + '/.')} ${shellQuote(dest + '/')}`);
              else if (ins.kind === 'ADD' && TAR_ARCHIVE.test(m)) commands.push(`mkdir -p -- ${shellQuote(dest)} && tar -xf ${shellQuote(src)} -C ${shellQuote(dest)}`);
              else if (destIsDir || matches.length > 1) commands.push(`mkdir -p -- ${shellQuote(dest)} && ${cp} ${shellQuote(src)} ${shellQuote(dest + '/')}`);
              else {
                commands.push(
                  `if [ -d ${shellQuote(dest)} ]; then ${cp} ${shellQuote(src)} ${shellQuote(dest + '/')}; ` +
                    `else mkdir -p -- ${shellQuote(posix.dirname(dest))} && ${cp} ${shellQuote(src)} ${shellQuote(dest)}; fi`,
                );
              }
            }
          }
          if (ins.chown !== null) {
            commands.push(`chown -R -- ${shellQuote(ins.chown)} ${shellQuote(dest)}`);
            notes.push(`${ins.kind} --chown applied to all of ${dest}`);
          }
          if (ins.chmod !== null) {
            commands.push(`chmod -R -- ${shellQuote(ins.chmod)} ${shellQuote(dest)}`);
            notes.push(`${ins.kind} --chmod applied to all of ${dest}`);
          }
          const r = await runStep(commands.join(' && '), stepEnv(), remaining());
          if (r.exitCode !== 0) return fail(`${ins.kind} failed`, r.output);
          break;
        }
        case 'RUN': {
          notes.push(...ins.notes);
          const argv = ins.form === 'exec' ? ins.argv : [...shell, ins.script];
          const command = inWorkdir(argv.map(shellQuote).join(' '));
          const r = await runStep(command, stepEnv(), remaining());
          const refused = await collectTooling();
          if (r.timedOut) return fail(`RUN exceeded the build timeout (${budgetSec} s)`, r.output);
          if (r.exitCode !== 0) {
            const why = refused.length > 0 ? refused[refused.length - 1].detail : `RUN failed with exit code ${r.exitCode ?? 'killed'}`;
            return fail(why, r.output);
          }
          break;
        }
      }
    }
    const finalWorkdir = workdirSet ? workdir : (task.config.environment.workdir ?? '/app');
    if (!workdirSet) notes.push(`no WORKDIR in the Dockerfile: the agent starts in ${finalWorkdir}`);
    const r = await runStep(`mkdir -p -- ${shellQuote(finalWorkdir)}`, stepEnv(), remaining());
    if (r.exitCode !== 0) return unavailable(`cannot create the working directory ${finalWorkdir}`, null, r.output);
    if (!from) notes.push('no FROM: the host Debian stands in');
    return { status: 'ready', ...base, workdir: finalWorkdir, env, substitutions, notes };
  } finally {
    await close();
  }
};

/** Removes the empty directories and empty files bwrap left as mount points. */
const removeMountPoints = async (p: string): Promise<void> => {
  const st = await lstat(p).catch(() => null);
  if (st === null) return;
  if (st.isDirectory()) {
    for (const name of await readdir(p)) await removeMountPoints(join(p, name));
    if ((await readdir(p)).length === 0) await rm(p, { recursive: true });
  } else if (st.isFile() && st.size === 0) await rm(p);
};

const lastWorkdir = (instructions: ReturnType<typeof parseDockerfile>): string | null => {
  let w: string | null = null;
  for (const i of instructions) {
    if (i.keyword === 'WORKDIR') {
      const resolved = i.resolve({});
      if (resolved.kind === 'WORKDIR') w = posix.resolve(w ?? '/', resolved.path);
    }
  }
  return w;
};

/** Copies a prepared environment for one attempt: a private, writable task root and /usr/local. */
export const copyEnvironment = async (env: PreparedEnvironment, attemptDir: string): Promise<{ rootfs: string; usrLocal: string }> => {
  // One cp for both trees, which keep their names: a process start per attempt is worth saving when a
  // suite runs hundreds of attempts.
  await mkdir(attemptDir, { recursive: true });
  const r = await runHost('cp', ['-a', '--', ...TREE_NAMES.map((name) => join(env.dir, name)), attemptDir]);
  if (r.code !== 0) throw new Error(`tack: cannot copy the prepared environment ${env.dir}: ${r.output.trim()}`);
  return treesIn(attemptDir);
};

/** Copies a task folder's files (tests, solution) into a host staging folder. */
export const copyTree = async (from: string, to: string): Promise<void> => {
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from)) {
    const src = join(from, name);
    const st = await stat(src);
    if (st.isDirectory()) await copyTree(src, join(to, name));
    else await copyFile(src, join(to, name));
  }
};
