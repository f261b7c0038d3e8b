import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';

const describe = (u: unknown): string => {
  if (u === undefined) return 'missing';
  const s = JSON.stringify(u);
  return s === undefined ? String(u) : s.length > 60 ? s.slice(0, 57) + '...' : s;
};

/** One readable line for the most specific decoding error: the field, what was found, what was expected. */
export const formatDecodeError = (errors: t.Errors): string => {
  if (errors.length === 0) return 'invalid value';
  // The deepest path is the most precise one.
  const best = errors.reduce((a, b) => (b.context.length > a.context.length ? b : a));
  const path = cleanPath(best);
  const expected = best.message ?? best.context[best.context.length - 1]?.type.name ?? 'a valid value';
  return `${path || '(root)'}: got ${describe(best.value)}, expected ${expected}`;
};

const cleanPath = (e: t.ValidationError): string => {
  const keys: string[] = [];
  for (let i = 1; i < e.context.length; i++) {
    const parent = e.context[i - 1].type as t.Mixed & { _tag?: string };
    const tag = parent._tag;
    // Union and intersection members are indexed by position, which is not a field of the value.
    if (tag === 'UnionType' || tag === 'IntersectionType') continue;
    if (e.context[i].key === '') continue;
    keys.push(e.context[i].key);
  }
  return keys.join('.');
};

export const decodeWith = <A, O>(codec: t.Type<A, O, unknown>, u: unknown): E.Either<string, A> =>
  E.mapLeft(formatDecodeError)(codec.decode(u));

