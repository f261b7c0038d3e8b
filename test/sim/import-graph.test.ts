import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

/** Every .ts file under a folder. */
const tsFiles = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir).flatMap((name) => {
        const p = join(dir, name);
        return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
      })
    : [];

/** Module specifiers of static imports, re-exports and dynamic imports (comments stripped first). */
const specifiersOf = (source: string): string[] => {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const re of [/\b(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g])
    for (const m of code.matchAll(re)) found.push(m[1]);
  return found;
};

/** A relative specifier as the .ts file it names (NodeNext imports say .js). */
const resolveImport = (from: string, spec: string): string | undefined => {
  if (!spec.startsWith('.')) return undefined;
  const target = resolve(dirname(from), spec);
  for (const candidate of [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, join(target, 'index.ts')])
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return undefined;
};

/**
 * The import chains from files under `roots` that reach a file under `forbidden`, following relative
 * imports transitively (a module that reaches src/sim through src/tasks counts too).
 */
const chainsInto = (roots: readonly string[], forbidden: string): string[][] => {
  const found: string[][] = [];
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]) => {
    if (file.startsWith(forbidden + '/')) {
      found.push(chain);
      return;
    }
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of specifiersOf(readFileSync(file, 'utf8'))) {
      const next = resolveImport(file, spec);
      if (next) walk(next, [...chain, next]);
    }
  };
  for (const root of roots) for (const f of tsFiles(root)) walk(f, [f]);
  return found;
};

describe('nothing outside src/sim knows a model is simulated', () => {
  const src = resolve('src');

  it('src/agent and src/improve import nothing from src/sim, directly or through other modules', () => {
    const roots = [join(src, 'agent'), join(src, 'improve')];
    assert.ok(roots.flatMap(tsFiles).length > 0, 'there are TypeScript sources to check');
    const chains = chainsInto(roots, join(src, 'sim'));
    assert.deepEqual(
      chains.map((c) => c.map((f) => relative(process.cwd(), f)).join(' -> ')),
      [],
    );
  });

  it('the check finds an import of src/sim, however it is written', () => {
    const root = mkdtempSync(join(tmpdir(), 'tack-imports-'));
    try {
      for (const [path, text] of [
        ['sim/server.ts', 'export const x = 1;\n'],
        ['tasks/runner.ts', "export { x } from '../sim/server.js';\n"],
        ['agent/ok.ts', "// import { x } from '../sim/server.js';\nimport { readFileSync } from 'node:fs';\n"],
        ['agent/loop.ts', "import type { Foo } from './types.js';\nconst m = await import('../tasks/runner.js');\n"],
        ['agent/types.ts', 'export type Foo = string;\n'],
        ['improve/mine.ts', "import {\n  x,\n} from '../sim/server.js';\n"],
      ]) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      const chains = chainsInto([join(root, 'agent'), join(root, 'improve')], join(root, 'sim')).map((c) => c.map((f) => relative(root, f)).join(' -> '));
      assert.deepEqual(chains.sort(), ['agent/loop.ts -> tasks/runner.ts -> sim/server.ts', 'improve/mine.ts -> sim/server.ts']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
