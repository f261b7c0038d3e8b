import { EVENT_TYPES, EventData, Metadata } from './events.js';
import { Harness } from './harness.js';
import { Edit } from './edits.js';
import { toJsonSchema, type JsonSchema } from './json-schema.js';

const ID = 'urn:tack:schemas';

/** Every published schema by file name: one per event type (with its envelope), the harness and the edit. */
export const generateSchemas = (): Record<string, JsonSchema> => {
  const out: Record<string, JsonSchema> = {};
  out['harness.schema.json'] = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${ID}:harness.schema.json`,
    ...toJsonSchema(Harness),
  };
  out['edit.schema.json'] = { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: `${ID}:edit.schema.json`, ...toJsonSchema(Edit) };
  for (const type of EVENT_TYPES) {
    out[`event.${type}.schema.json`] = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `${ID}:event.${type}.schema.json`,
      title: type,
      type: 'object',
      properties: {
        id: { type: 'string', format: 'uuid' },
        type: { const: type },
        data: toJsonSchema(EventData[type]),
        metadata: toJsonSchema(Metadata),
      },
      required: ['id', 'type', 'data', 'metadata'],
      additionalProperties: false,
    };
  }
  return out;
};
