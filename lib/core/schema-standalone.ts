import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { AJV_OPTIONS, AUDIT_POLICY, CUSTOM_RESOURCE, isCustomResource, SCHEMA_ID, validatorSchema } from './schema-check';

/**
 * @internal Source of the CommonJS module of precompiled strict-schema validators that
 * `schema-check.ts` loads (`schema/validators.js`, written by `scripts/validators.js` when the
 * package builds): compiling at runtime cost a synth ~15 ms per kind. One export per validator key
 * (`apiVersion|kind`, {@link AUDIT_POLICY}, {@link CUSTOM_RESOURCE}); by default every kind of the
 * `gvk` map. Same ajv options as the runtime compile, plus `code.source` that standalone needs.
 */
export function standaloneValidatorsSource(keys?: readonly string[]): string {
  const schema: { gvk: Record<string, string>; definitions: Record<string, unknown> } = require('./schema/k8s-v1.27-strict.json');
  const clash = Object.keys(schema.gvk).filter((key) => isCustomResource(key.slice(0, key.indexOf('|'))));
  if (clash.length) {
    // schema-check.ts looks a custom resource up by CUSTOM_RESOURCE alone.
    throw new Error(`kinds of the gvk map in custom-resource groups: ${clash.join(', ')}`);
  }
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { ...AJV_OPTIONS.code, source: true } });
  ajv.addSchema({ $id: SCHEMA_ID, definitions: schema.definitions });
  const exports: Record<string, string> = {};
  (keys ?? [...Object.keys(schema.gvk), AUDIT_POLICY, CUSTOM_RESOURCE]).forEach((key, i) => {
    const validator = validatorSchema(key, schema.gvk);
    if (!validator) throw new Error(`not a validator key: ${key}`);
    // An id without "/" or ":", so that the `$ref`s to SCHEMA_ID resolve to it unchanged.
    const id = `validator${i}`;
    ajv.addSchema(validator, id);
    exports[key] = id;
  });
  return standaloneCode(ajv, exports);
}
