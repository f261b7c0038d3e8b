import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expandVariables, firstUnsupported, parseDockerfile, splitWords, UnsupportedInstruction, type Instruction } from '../../src/tasks/dockerfile.js';

const resolveAll = (text: string): Instruction[] => {
  const vars: Record<string, string> = {};
  return parseDockerfile(text).map((l) => {
    const ins = l.resolve(vars);
    if (ins.kind === 'ENV') for (const [k, v] of ins.pairs) vars[k] = v;
    if (ins.kind === 'ARG') vars[ins.name] = ins.defaultValue ?? '';
    return ins;
  });
};

describe('Dockerfile subset', () => {
  it('joins continuation lines, skips comments inside them, and keeps the starting line number', () => {
    const [from, run] = resolveAll('FROM debian:bookworm\n\n# setup\nRUN echo a \\\n  # a comment line\n  && echo b\n');
    assert.equal(from.kind, 'FROM');
    assert.equal(run.line, 4);
    assert.ok(run.kind === 'RUN' && run.form === 'shell');
    assert.equal(run.script.replace(/\s+/g, ' '), 'echo a && echo b');
  });

  it('expands ARG and ENV in later ENV, WORKDIR and COPY, in both ENV forms', () => {
    const ins = resolveAll(
      ['ARG VERSION=1.2', 'ENV NAME="tool ${VERSION}" HOME_DIR=/opt/tool', 'ENV LEGACY value with spaces', 'WORKDIR $HOME_DIR/work', 'COPY ["a b.txt", "${HOME_DIR}/"]'].join('\n'),
    );
    assert.deepEqual(ins[1].kind === 'ENV' && ins[1].pairs, [
      ['NAME', 'tool 1.2'],
      ['HOME_DIR', '/opt/tool'],
    ]);
    assert.deepEqual(ins[2].kind === 'ENV' && ins[2].pairs, [['LEGACY', 'value with spaces']]);
    assert.equal(ins[3].kind === 'WORKDIR' && ins[3].path, '/opt/tool/work');
    assert.ok(ins[4].kind === 'COPY');
    assert.deepEqual([ins[4].sources, ins[4].dest], [['a b.txt'], '/opt/tool/']);
  });

  it('reads RUN heredocs, exec-form RUN and COPY flags', () => {
    const ins = resolveAll(['RUN <<EOF', 'echo one', 'echo two', 'EOF', 'RUN ["python3", "-c", "print(1)"]', 'COPY --chown=app:app --chmod=755 run.sh /usr/local/bin/'].join('\n'));
    assert.ok(ins[0].kind === 'RUN' && ins[0].form === 'shell');
    assert.equal(ins[0].script, 'echo one\necho two\n');
    assert.ok(ins[1].kind === 'RUN' && ins[1].form === 'exec');
    assert.deepEqual(ins[1].argv, ['python3', '-c', 'print(1)']);
    assert.ok(ins[2].kind === 'COPY');
    assert.deepEqual([ins[2].chown, ins[2].chmod], ['app:app', '755']);
  });

  it('ignores CMD, ENTRYPOINT, LABEL, EXPOSE and USER, with a note where it matters', () => {
    const ins = resolveAll('CMD ["bash"]\nENTRYPOINT ["/bin/sh"]\nLABEL a=b\nEXPOSE 8080\nUSER app\n');
    assert.deepEqual(
      ins.map((i) => i.kind),
      ['IGNORED', 'IGNORED', 'IGNORED', 'IGNORED', 'IGNORED'],
    );
    assert.equal(ins[0].kind === 'IGNORED' && ins[0].note, null);
    assert.match(String(ins[4].kind === 'IGNORED' && ins[4].note), /USER ignored/);
  });

  it('names the line of an instruction outside the subset', () => {
    const found = firstUnsupported(parseDockerfile('FROM debian\nWORKDIR /app\nONBUILD RUN make\n'));
    assert.ok(found instanceof UnsupportedInstruction);
    assert.equal(found.at.line, 3);
    assert.equal(found.message, 'Dockerfile line 3: ONBUILD is outside the supported Dockerfile subset: ONBUILD RUN make');
    const multi = firstUnsupported(parseDockerfile('FROM golang AS build\nRUN go build\nFROM debian\n'));
    assert.match(String(multi?.message), /line 3: multi-stage/);
  });

  it('rejects COPY --from, ADD from a URL and unknown RUN mounts', () => {
    const cases: [string, RegExp][] = [
      ['COPY --from=build /out /app/', /--from/],
      ['ADD https://example.com/x.tar.gz /app/', /needs the network/],
      ['RUN --mount=type=secret,id=k cat /run/secrets/k', /--mount=type=secret/],
    ];
    for (const [text, re] of cases) {
      const [l] = parseDockerfile(text);
      assert.throws(() => l.resolve({}), (e: unknown) => e instanceof UnsupportedInstruction && re.test(e.message));
    }
  });

  it('expands variables with defaults and splits quoted words', () => {
    assert.equal(expandVariables('${A:-x}-${B:-y}-${A:+set}-$B', { B: 'b' }), 'x-b--b');
    assert.equal(expandVariables('cost \\$5', {}), 'cost $5');
    assert.deepEqual(splitWords(`a "b c" 'd $X' e\\ f $X`, { X: '1' }), ['a', 'b c', 'd $X', 'e f', '1']);
  });
});
