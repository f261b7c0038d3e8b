import type * as t from 'io-ts';
import { jsonSchemaOf, strictBaseOf, type CodecInternals as Tagged } from './codecs.js';

/** JSON Schema (draft 2020-12) generated from the io-ts codecs, so schemas/ never drifts from the code. */
export type JsonSchema = Record<string, unknown>;


const objectSchema = (required: t.Props, optional: t.Props, closed: boolean): JsonSchema => {
  const properties: Record<string, JsonSchema> = {};
  for (const [k, v] of Object.entries(required)) properties[k] = toJsonSchema(v);
  for (const [k, v] of Object.entries(optional)) properties[k] = toJsonSchema(v);
  return {
    type: 'object',
    properties,
    required: Object.keys(required),
    ...(closed ? { additionalProperties: false } : {}),
  };
};

/** Split an object codec (type, partial, or their intersection) into required and optional props. */
const propsOf = (c: Tagged): { required: t.Props; optional: t.Props } | null => {
  if (c._tag === 'InterfaceType') return { required: c.props!, optional: {} };
  if (c._tag === 'PartialType') return { required: {}, optional: c.props! };
  if (c._tag === 'IntersectionType') {
    const parts = c.types!.map((x) => propsOf(x as unknown as Tagged));
    if (parts.some((p) => p === null)) return null;
    return parts.reduce<{ required: t.Props; optional: t.Props }>(
      (acc, p) => ({ required: { ...acc.required, ...p!.required }, optional: { ...acc.optional, ...p!.optional } }),
      { required: {}, optional: {} },
    );
  }
  return null;
};

export const toJsonSchema = (codec: t.Mixed): JsonSchema => {
  const custom = jsonSchemaOf.get(codec);
  if (custom) return { ...custom };
  const base = strictBaseOf.get(codec);
  if (base) {
    const p = propsOf(base as unknown as Tagged)!;
    return { title: codec.name, ...objectSchema(p.required, p.optional, true) };
  }
  const c = codec as unknown as Tagged;
  switch (c._tag) {
    case 'StringType':
      return { type: 'string' };
    case 'NumberType':
      return { type: 'number' };
    case 'BooleanType':
      return { type: 'boolean' };
    case 'NullType':
      return { type: 'null' };
    case 'UnknownType':
      return {};
    case 'LiteralType':
      return { const: c.value };
    case 'KeyofType':
      return { enum: Object.keys(c.keys!) };
    case 'ArrayType':
      return { type: 'array', items: toJsonSchema(c.type!) };
    case 'DictionaryType':
      return { type: 'object', additionalProperties: toJsonSchema(c.codomain!) };
    case 'UnionType':
      return { anyOf: c.types!.map(toJsonSchema) };
    case 'InterfaceType':
    case 'PartialType':
    case 'IntersectionType': {
      const p = propsOf(c);
      if (p) return objectSchema(p.required, p.optional, false);
      return { allOf: c.types!.map(toJsonSchema) };
    }
    default:
      throw new Error(`no JSON Schema for codec ${codec.name} (${c._tag ?? 'custom'})`);
  }
};
