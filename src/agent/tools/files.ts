import { posix } from 'node:path';
import type { Harness } from '../../domain/harness.js';
import type { DirEntry } from '../workspace.js';
import { capOutput } from './output-cap.js';
import { failure, functionSpec, stringArg, type Tool, type ToolResult } from './tool.js';

/** File tools: read_file, write_file, edit_file, list_dir. Paths are the agent's, relative ones from the workdir. */

const REASONS: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
};

/**
 * A workspace error in the OS's own words (missing-file detection relies on them) with the agent's
 * path, never a host path some workspace put in its message.
 */
const describeError = (tool: string, path: string, e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  if (err.message.startsWith(`${path}: `)) return `${tool}: ${err.message}`;
  return `${tool}: ${err.code && REASONS[err.code] ? `${path}: ${REASONS[err.code]}` : err.message}`;
};

const resolveIn = (workdir: string, path: string): string => posix.resolve(workdir, path);

const withPath = (tool: string, workdir: string, args: Readonly<Record<string, unknown>>) => {
  const p = stringArg(tool, args, 'path');
  if ('error' in p) return p;
  if (p.value.trim() === '') return { error: `${tool}: the argument "path" is empty` };
  return { value: resolveIn(workdir, p.value) };
};

const looksBinary = (bytes: Buffer): boolean => bytes.subarray(0, 8192).includes(0);

export const readFileTool = (settings: Harness['tools']['read_file'], workdir: string): Tool => ({
  spec: functionSpec('read_file', `Read a text file (long files are cut in the middle). Relative paths start in ${workdir}.`, {
    path: { description: 'The file to read.' },
  }),
  async run(args, ctx): Promise<ToolResult> {
    const path = withPath('read_file', workdir, args);
    if ('error' in path) return failure(path.error);
    try {
      const bytes = await ctx.workspace.readFile(path.value);
      if (looksBinary(bytes)) return { content: `[binary file, ${bytes.length} bytes]`, ok: true, path: path.value };
      const capped = capOutput(bytes.toString('utf8'), settings.outputCapBytes);
      return { content: capped.text.length > 0 ? capped.text : '(empty file)', ok: true, elidedBytes: capped.elided, path: path.value };
    } catch (e) {
      return failure(describeError('read_file', path.value, e), path.value);
    }
  },
});

export const writeFileTool = (workdir: string): Tool => ({
  spec: functionSpec('write_file', `Create or overwrite a file with the given content (parent directories are created). Relative paths start in ${workdir}.`, {
    path: { description: 'The file to write.' },
    content: { description: 'The complete new content of the file.' },
  }),
  async run(args, ctx) {
    const path = withPath('write_file', workdir, args);
    if ('error' in path) return failure(path.error);
    const content = stringArg('write_file', args, 'content');
    if ('error' in content) return failure(content.error, path.value);
    try {
      await ctx.workspace.writeFile(path.value, content.value);
      return { content: `wrote ${Buffer.byteLength(content.value)} bytes to ${path.value}`, ok: true, path: path.value };
    } catch (e) {
      return failure(describeError('write_file', path.value, e), path.value);
    }
  },
});

const occurrences = (haystack: string, needle: string): number => {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
};

export const editFileTool = (workdir: string): Tool => ({
  spec: functionSpec('edit_file', 'Replace one exact occurrence of a string in a file. The old string must occur exactly once.', {
    path: { description: 'The file to edit.' },
    old: { description: 'The exact text to replace (include enough context to be unique).' },
    new: { description: 'The replacement text.' },
  }),
  async run(args, ctx) {
    const path = withPath('edit_file', workdir, args);
    if ('error' in path) return failure(path.error);
    const old = stringArg('edit_file', args, 'old');
    if ('error' in old) return failure(old.error, path.value);
    const replacement = stringArg('edit_file', args, 'new');
    if ('error' in replacement) return failure(replacement.error, path.value);
    if (old.value === '') return failure(`edit_file: the argument "old" is empty; use write_file to create a file`, path.value);
    let text: string;
    try {
      text = (await ctx.workspace.readFile(path.value)).toString('utf8');
    } catch (e) {
      return failure(describeError('edit_file', path.value, e), path.value);
    }
    const n = occurrences(text, old.value);
    if (n === 0) return failure(`edit_file: the old string was not found in ${path.value}; nothing changed`, path.value);
    if (n > 1)
      return failure(`edit_file: the old string occurs ${n} times in ${path.value}; include more context so it occurs once; nothing changed`, path.value);
    const at = text.indexOf(old.value);
    try {
      await ctx.workspace.writeFile(path.value, text.slice(0, at) + replacement.value + text.slice(at + old.value.length));
    } catch (e) {
      return failure(describeError('edit_file', path.value, e), path.value);
    }
    return { content: `edited ${path.value}: replaced 1 occurrence`, ok: true, path: path.value };
  },
});

const entryLine = (e: DirEntry): string =>
  e.type === 'dir' ? `${e.name}/` : e.type === 'link' ? `${e.name}@` : e.type === 'file' ? `${e.name} (${e.size} bytes)` : `${e.name} (special)`;

export const listDirTool = (settings: Harness['tools']['list_dir'], workdir: string): Tool => ({
  spec: functionSpec('list_dir', `List a directory (dirs end with /, links with @). Relative paths start in ${workdir}.`, {
    path: { description: 'The directory to list.' },
  }),
  async run(args, ctx) {
    const path = withPath('list_dir', workdir, args);
    if ('error' in path) return failure(path.error);
    try {
      const entries = await ctx.workspace.listDir(path.value);
      const listing = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(entryLine).join('\n');
      const capped = capOutput(listing, settings.outputCapBytes);
      return { content: listing === '' ? '(empty directory)' : capped.text, ok: true, elidedBytes: capped.elided, path: path.value };
    } catch (e) {
      return failure(describeError('list_dir', path.value, e), path.value);
    }
  },
});
