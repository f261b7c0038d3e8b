import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { generateSchemas } from '../../src/domain/schemas.js';
import { PROJECT, tackOk } from '../support/cli.js';
import { tempDir } from '../support/store-factories.js';

describe('schemas/', () => {
  it('the committed schemas are exactly what the codecs generate (run `npm run schemas` after changing a codec)', () => {
    const generated = generateSchemas();
    const dir = join(PROJECT, 'schemas');
    const committed = readdirSync(dir).filter((f) => f.endsWith('.schema.json')).sort();
    assert.deepEqual(committed, Object.keys(generated).sort());
    for (const [name, schema] of Object.entries(generated)) {
      assert.equal(readFileSync(join(dir, name), 'utf8'), JSON.stringify(schema, null, 2) + '\n', `schemas/${name} is stale`);
    }
  });

  it('real events and harnesses validate against the schemas, and broken ones do not', async () => {
    const dir = await tempDir();
    tackOk(dir, ['init', '--model', 'm1']);
    tackOk(dir, ['edit', 'add-rule', '--section', 'general', '--text', 'A rule.', '--why', 'w']);
    tackOk(dir, ['edit', 'set-policy', '--kind', 'ExplorationLimit', '--why', 'w']);
    tackOk(dir, ['tag', 'v1', 'main@1']);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const schemas = generateSchemas();
    const events: { type: string; data: object }[] = tackOk(dir, ['events']).trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(events.length >= 9);
    for (const e of events) {
      const validate = ajv.compile(schemas[`event.${e.type}.schema.json`]);
      assert.ok(validate(e), `${e.type}: ${JSON.stringify(validate.errors)}`);
      const broken = { ...e, data: { ...e.data, unexpected: 1 } };
      assert.equal(validate(broken), false);
    }
    const harness: { limits: object } = JSON.parse(tackOk(dir, ['show', '--json'])).harness;
    const vh = ajv.compile(schemas['harness.schema.json']);
    assert.ok(vh(harness), JSON.stringify(vh.errors));
    assert.equal(vh({ ...harness, limits: { ...harness.limits, maxSteps: 0 } }), false);
  });
});
