import * as t from 'io-ts';

/**
 * Small io-ts building blocks shared by the harness, edit and event codecs.
 * Each custom codec carries its JSON Schema so schemas/ can be generated from the codecs alone.
 */
export const jsonSchemaOf = new WeakMap<t.Mixed, Record<string, unknown>>();

const withSchema = <C extends t.Mixed>(codec: C, schema: Record<string, unknown>): C => {
  jsonSchemaOf.set(codec, schema);
  return codec;
};

export const intIn = (min: number, max: number): t.Type<number, number, unknown> =>
  withSchema(
    new t.Type<number, number, unknown>(
      `int[${min}..${max}]`,
      (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
      (u, c) =>
        typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max
          ? t.success(u)
          : t.failure(u, c, `an integer from ${min} to ${max}`),
      t.identity,
    ),
    { type: 'integer', minimum: min, maximum: max },
  );

export const numberIn = (min: number, max: number): t.Type<number, number, unknown> =>
  withSchema(
    new t.Type<number, number, unknown>(
      `number[${min}..${max}]`,
      (u): u is number => typeof u === 'number' && Number.isFinite(u) && u >= min && u <= max,
      (u, c) =>
        typeof u === 'number' && Number.isFinite(u) && u >= min && u <= max
          ? t.success(u)
          : t.failure(u, c, `a number from ${min} to ${max}`),
      t.identity,
    ),
    { type: 'number', minimum: min, maximum: max },
  );

export const stringMatching = (name: string, re: RegExp, maxLength = 10_000): t.Type<string, string, unknown> =>
  withSchema(
    new t.Type<string, string, unknown>(
      name,
      (u): u is string => typeof u === 'string' && u.length <= maxLength && re.test(u),
      (u, c) =>
        typeof u === 'string' && u.length <= maxLength && re.test(u) ? t.success(u) : t.failure(u, c, `${name} (${re.source})`),
      t.identity,
    ),
    { type: 'string', pattern: re.source, maxLength },
  );

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
