import type * as t from 'io-ts';
import { leafTestOf, strictBaseOf, type CodecInternals as Tagged, type LeafTest } from './codecs.js';

/**
 * A codec's type guard compiled to one plain function, for the hot read path (a stored history is
 * checked event by event). io-ts's own `is` walks the codec through generic closures and keyed
 * property reads; the compiled guard reads each declared field by name, which is several times faster.
 *
 * Sound by construction: it accepts a value only if `codec.is` accepts it. Every combinator it
 * compiles keeps io-ts's own rule; a custom leaf (`intIn`, `numberIn`, `stringMatching`) is compiled
 * from the test it is made of (codecs.ts `LeafTest`); any other codec is checked by its own `is`.
 * Where it is stricter than io-ts (holes in sparse arrays), callers fall back to io-ts, so what is
 * accepted overall never changes. property-tests/guard.test.ts holds it to io-ts's answers.
 */

/**
 * A test equivalent to `re.test(v)` for a string `v`. V8 runs a counted repetition such as
 * `^[0-9a-f]{64}$` several times slower than `^[0-9a-f]+$`, so a pattern that is a literal prefix and
 * one repeated character class, `^P[C]{m,n}$`, becomes a length check and `^P[C]+$` (or `*`): a
 * string matches the one exactly when it matches the other. Any other pattern is used as it is.
 */
export const fastMatch = (re: RegExp): { readonly re: RegExp; readonly minLength: number; readonly maxLength: number } => {
  const m = re.flags === '' ? /^\^([A-Za-z0-9_ ,:=-]*)\[([^\]\\[]+)\]\{(\d+)(?:,(\d+))?\}\$$/.exec(re.source) : null;
  if (!m) return { re, minLength: 0, maxLength: Infinity };
  const [, prefix, cls, lo, hi] = m;
  const min = Number(lo);
  const max = hi === undefined ? min : Number(hi);
  return { re: new RegExp(`^${prefix}[${cls}]${min === 0 ? '*' : '+'}$`), minLength: prefix.length + min, maxLength: prefix.length + max };
};

const isObjectExpr = (v: string) => `(${v} !== null && typeof ${v} === "object" && !Array.isArray(${v}))`;
const key = (k: string) => JSON.stringify(k);

/** Required and optional props of an object codec (type, partial, or their intersection), or null. */
const propsOf = (c: Tagged): { required: t.Props; optional: t.Props } | null => {
  if (c._tag === 'InterfaceType') return { required: c.props!, optional: {} };
  if (c._tag === 'PartialType') return { required: {}, optional: c.props! };
  if (c._tag === 'IntersectionType') {
    const parts = c.types!.map((x) => propsOf(x as unknown as Tagged));
    if (parts.some((p) => p === null)) return null;
    const required: Record<string, t.Mixed[]> = {};
    const optional: Record<string, t.Mixed[]> = {};
    // A key in two members must pass both; keep it simple and compile only disjoint members.
    for (const p of parts) {
      for (const [k, v] of Object.entries(p!.required)) (required[k] ??= []).push(v);
      for (const [k, v] of Object.entries(p!.optional)) (optional[k] ??= []).push(v);
    }
    const all = [...Object.values(required), ...Object.values(optional)];
    if (all.some((v) => v.length > 1) || Object.keys(required).some((k) => k in optional)) return null;
    return {
      required: Object.fromEntries(Object.entries(required).map(([k, v]) => [k, v[0]])),
      optional: Object.fromEntries(Object.entries(optional).map(([k, v]) => [k, v[0]])),
    };
  }
  return null;
};

class Compiler {
  private readonly functions: string[] = [];
  private readonly names = new Map<t.Mixed, string>();
  /** Values the generated code refers to: other codecs' own guards, regular expressions, key lists. */
  readonly constants: unknown[] = [];

  constant(value: unknown): string {
    let i = this.constants.indexOf(value);
    if (i < 0) i = this.constants.push(value) - 1;
    return `c${i}`;
  }

  /** A boolean JS expression: does the value in variable `v` pass `codec`? */
  expr(codec: t.Mixed, v: string): string {
    const c = codec as unknown as Tagged;
    if (!strictBaseOf.has(codec)) {
      switch (c._tag) {
        case 'StringType':
          return `typeof ${v} === "string"`;
        case 'NumberType':
          return `typeof ${v} === "number"`;
        case 'BooleanType':
          return `typeof ${v} === "boolean"`;
        case 'NullType':
          return `${v} === null`;
        case 'UnknownType':
          return 'true';
        case 'LiteralType':
          return `${v} === ${JSON.stringify(c.value)}`;
        case undefined: {
          const test = leafTestOf.get(codec);
          if (test) return this.leafExpr(test, v);
          break;
        }
        case 'KeyofType':
          return `(typeof ${v} === "string" && (${Object.keys(c.keys!).map((k) => `${v} === ${key(k)}`).join(' || ')}))`;
        default:
          break;
      }
    }
    return `${this.compiles(codec) ? this.fn(codec) : this.constant(codec.is)}(${v})`;
  }

  /** The test of codecs.ts `passes` for a leaf, as an expression. */
  private leafExpr(test: LeafTest, v: string): string {
    const num = (x: number) => (Number.isFinite(x) ? String(x) : x > 0 ? 'Infinity' : '-Infinity');
    switch (test.kind) {
      case 'int':
        return `(typeof ${v} === "number" && Number.isInteger(${v}) && ${v} >= ${num(test.min)} && ${v} <= ${num(test.max)})`;
      case 'number':
        return `(typeof ${v} === "number" && Number.isFinite(${v}) && ${v} >= ${num(test.min)} && ${v} <= ${num(test.max)})`;
      case 'string': {
        const fast = fastMatch(test.re);
        const min = fast.minLength > 0 ? ` && ${v}.length >= ${fast.minLength}` : '';
        const max = Math.min(test.maxLength, fast.maxLength);
        return `(typeof ${v} === "string"${min} && ${v}.length <= ${num(max)} && ${this.constant(fast.re)}.test(${v}))`;
      }
    }
  }

  /** Whether `codec` is a combinator this compiler turns into code (others keep their own guard). */
  private compiles(codec: t.Mixed): boolean {
    const base = strictBaseOf.get(codec);
    if (base) return propsOf(base as unknown as Tagged) !== null;
    const c = codec as unknown as Tagged;
    switch (c._tag) {
      case 'InterfaceType':
      case 'PartialType':
      case 'IntersectionType':
      case 'UnionType':
      case 'ArrayType':
        return true;
      case 'DictionaryType':
        return (c.domain as unknown as Tagged)._tag === 'StringType';
      default:
        return false;
    }
  }

  /** The name of a generated function checking `codec`, made once per codec. */
  fn(codec: t.Mixed): string {
    if (!this.compiles(codec)) return this.constant(codec.is);
    const known = this.names.get(codec);
    if (known) return known;
    const name = `g${this.names.size}`;
    this.names.set(codec, name);
    this.functions.push(`function ${name}(u) {\n${this.body(codec)}\n}`);
    return name;
  }

  private objectBody(required: t.Props, optional: t.Props, closed: boolean): string {
    const lines = [`if (!${isObjectExpr('u')}) return false;`, 'let v;'];
    for (const [k, codec] of Object.entries(required)) {
      // io-ts: a required key must be present (an own key holding undefined counts) and pass its codec.
      lines.push(`v = u[${key(k)}];`, `if ((v === undefined && !HOP.call(u, ${key(k)})) || !(${this.expr(codec, 'v')})) return false;`);
    }
    for (const [k, codec] of Object.entries(optional)) lines.push(`v = u[${key(k)}];`, `if (v !== undefined && !(${this.expr(codec, 'v')})) return false;`);
    if (closed) {
      // No key but the declared ones. Keys usually come in declaration order: try the one expected
      // at this position first, so that a conforming object costs one comparison per key.
      const names = [...Object.keys(required), ...Object.keys(optional)];
      lines.push(
        `let i = 0;`,
        `for (const k in u) {`,
        `  if (k !== ${this.constant(names)}[i++] && !(${names.map((n) => `k === ${key(n)}`).join(' || ') || 'false'})) return false;`,
        `}`,
      );
    }
    lines.push('return true;');
    return lines.join('\n');
  }

  private body(codec: t.Mixed): string {
    const base = strictBaseOf.get(codec);
    if (base) {
      const p = propsOf(base as unknown as Tagged)!;
      return this.objectBody(p.required, p.optional, true);
    }
    const c = codec as unknown as Tagged;
    switch (c._tag) {
      case 'InterfaceType':
      case 'PartialType':
      case 'IntersectionType': {
        const p = propsOf(c);
        if (p) return this.objectBody(p.required, p.optional, false);
        return `return ${c.types!.map((x) => this.expr(x, 'u')).join(' && ') || 'true'};`;
      }
      case 'UnionType':
        return `return ${c.types!.map((x) => this.expr(x, 'u')).join(' || ') || 'false'};`;
      case 'ArrayType':
        // Stricter than io-ts's `every`, which skips holes: a sparse array falls back to io-ts.
        return [
          'if (!Array.isArray(u)) return false;',
          'for (let i = 0; i < u.length; i++) {',
          '  const v = u[i];',
          `  if (!(${this.expr(c.type!, 'v')})) return false;`,
          '}',
          'return true;',
        ].join('\n');
      case 'DictionaryType':
        // io-ts's record over string keys: a non-array object whose own enumerable values all pass.
        return [
          `if (!${isObjectExpr('u')}) return false;`,
          'for (const k in u) {',
          '  if (!HOP.call(u, k)) continue;',
          '  const v = u[k];',
          `  if (!(${this.expr(c.codomain!, 'v')})) return false;`,
          '}',
          'return true;',
        ].join('\n');
      default:
        throw new Error(`guard: ${codec.name} is not compiled`);
    }
  }

  source(entry: string): string {
    const constants = this.constants.map((_, i) => `const c${i} = C[${i}];`);
    return ['"use strict";', 'const HOP = Object.prototype.hasOwnProperty;', ...constants, ...this.functions, `return ${entry};`].join('\n');
  }
}

/** Compile the guard of `codec`: a function that returns true only for values `codec.is` accepts. */
export const compileGuard = (codec: t.Mixed): ((u: unknown) => boolean) => {
  const compiler = new Compiler();
  const entry = compiler.fn(codec);
  // Generated from the codec definitions only (keys are JSON-quoted), never from data.
  return new Function('C', compiler.source(entry))(compiler.constants) as (u: unknown) => boolean;
};
