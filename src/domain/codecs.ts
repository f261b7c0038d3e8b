import * as t from 'io-ts';

/**
 * Small io-ts building blocks shared by the harness, edit and event codecs.
 * Each custom codec carries its JSON Schema so schemas/ can be generated from the codecs alone.
 */
export const jsonSchemaOf = new WeakMap<t.Mixed, Record<string, unknown>>();

/**
 * What a custom leaf codec accepts, as data: `passes` is its guard, and guard.ts compiles the very
 * same test inline.
 */
export type LeafTest =
  | { readonly kind: 'int' | 'number'; readonly min: number; readonly max: number }
  | { readonly kind: 'string'; readonly re: RegExp; readonly maxLength: number };
export const leafTestOf = new WeakMap<t.Mixed, LeafTest>();

export const passes = (test: LeafTest, u: unknown): boolean => {
  switch (test.kind) {
    case 'int':
      return typeof u === 'number' && Number.isInteger(u) && u >= test.min && u <= test.max;
    case 'number':
      return typeof u === 'number' && Number.isFinite(u) && u >= test.min && u <= test.max;
    case 'string':
      return typeof u === 'string' && u.length <= test.maxLength && test.re.test(u);
  }
};

const leaf = <A>(name: string, test: LeafTest, expected: string, schema: Record<string, unknown>): t.Type<A, A, unknown> => {
  const is = (u: unknown): u is A => passes(test, u);
  const codec = new t.Type<A, A, unknown>(name, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c, expected)), t.identity);
  jsonSchemaOf.set(codec, schema);
  leafTestOf.set(codec, test);
  return codec;
};

export const intIn = (min: number, max: number): t.Type<number, number, unknown> =>
  leaf(`int[${min}..${max}]`, { kind: 'int', min, max }, `an integer from ${min} to ${max}`, { type: 'integer', minimum: min, maximum: max });

export const numberIn = (min: number, max: number): t.Type<number, number, unknown> =>
  leaf(`number[${min}..${max}]`, { kind: 'number', min, max }, `a number from ${min} to ${max}`, { type: 'number', minimum: min, maximum: max });

export const stringMatching = (name: string, re: RegExp, maxLength = 10_000): t.Type<string, string, unknown> =>
  leaf(name, { kind: 'string', re, maxLength }, `${name} (${re.source})`, { type: 'string', pattern: re.source, maxLength });

export const NonEmptyText = stringMatching('non-empty text', /\S/, 20_000);
export const Sha256Hex = stringMatching('sha256 hex', /^[0-9a-f]{64}$/, 64);
export const IsoTime = stringMatching('ISO-8601 UTC time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 40);
export const Uuid = stringMatching('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 36);
export const BranchName = stringMatching('branch name', /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 64);
export const RuleId = stringMatching('rule id', /^R[1-9][0-9]*$/, 24);
export const PolicyId = stringMatching('policy id', /^P[1-9][0-9]*$/, 24);
export const ProposalId = stringMatching('proposal id', /^E[1-9][0-9]*$/, 24);
export const WeaknessId = stringMatching('weakness id', /^W[1-9][0-9]*$/, 24);
export const TraceId = stringMatching('trace id', /^t-[0-9a-f]{16,64}$/, 66);
export const TagName = stringMatching('tag name', /^[A-Za-z][A-Za-z0-9._-]{0,63}$/, 64);

/** Marks a codec whose schema is that of `base` with no other keys allowed. */
export const strictBaseOf = new WeakMap<t.Mixed, t.Mixed>();

/**
 * An object codec that rejects keys it does not declare (io-ts `type` lets them through silently),
 * with required and optional props.
 */
export const strict = <R extends t.Props, O extends t.Props = Record<never, never>>(
  name: string,
  required: R,
  optional?: O,
): t.Type<
  t.TypeOf<t.TypeC<R>> & Partial<t.TypeOf<t.TypeC<O>>>,
  t.OutputOf<t.TypeC<R>> & Partial<t.OutputOf<t.TypeC<O>>>,
  unknown
> => {
  const base = optional ? t.intersection([t.type(required), t.partial(optional)], name) : t.type(required, name);
  const known = new Set([...Object.keys(required), ...Object.keys(optional ?? {})]);
  const closed = (u: unknown): boolean => {
    for (const k in u as object) if (!known.has(k)) return false;
    return true;
  };
  const codec = new t.Type(
    name,
    (u): u is t.TypeOf<t.TypeC<R>> & Partial<t.TypeOf<t.TypeC<O>>> => base.is(u) && closed(u),
    (u, c) => {
      if (typeof u === 'object' && u !== null && !Array.isArray(u)) {
        for (const k of Object.keys(u)) {
          if (!known.has(k))
            return t.failure((u as Record<string, unknown>)[k], t.appendContext(c, k, t.never), `no such field "${k}"`);
        }
      }
      return base.validate(u, c) as t.Validation<t.TypeOf<t.TypeC<R>> & Partial<t.TypeOf<t.TypeC<O>>>>;
    },
    (a) => base.encode(a as never) as t.OutputOf<t.TypeC<R>> & Partial<t.OutputOf<t.TypeC<O>>>,
  );
  strictBaseOf.set(codec, base);
  return codec;
};

/** The fields of io-ts's codec classes that the guard compiler and the JSON Schema generator read. */
export interface CodecInternals {
  readonly _tag?: string;
  readonly name: string;
  readonly props?: t.Props;
  readonly types?: readonly t.Mixed[];
  readonly type?: t.Mixed;
  readonly value?: unknown;
  readonly keys?: Record<string, unknown>;
  readonly domain?: t.Mixed;
  readonly codomain?: t.Mixed;
}
