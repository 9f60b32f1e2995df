import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { AJV_OPTIONS, AUDIT_POLICY, CUSTOM_RESOURCE, isCustomResource, SCHEMA_ID, validatorSchema } from './schema-check';

/**
 * @internal The kinds the library's constructs emit (`new k8s.Kube…` in lib/): the first generated
 * module, loaded by every synth, holds these alone so that it stays quick to load.
 */
export const LIBRARY_KINDS: readonly string[] = [
  'apps/v1|Deployment', 'apps/v1|StatefulSet', 'autoscaling/v2|HorizontalPodAutoscaler', 'batch/v1|CronJob', 'batch/v1|Job',
  'networking.k8s.io/v1|Ingress', 'networking.k8s.io/v1|NetworkPolicy', 'policy/v1|PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1|ClusterRole', 'rbac.authorization.k8s.io/v1|ClusterRoleBinding', 'rbac.authorization.k8s.io/v1|Role',
  'rbac.authorization.k8s.io/v1|RoleBinding', 'storage.k8s.io/v1|StorageClass', 'v1|ConfigMap', 'v1|LimitRange', 'v1|Namespace',
  'v1|PersistentVolume', 'v1|PersistentVolumeClaim', 'v1|Pod', 'v1|ResourceQuota', 'v1|Secret', 'v1|Service', 'v1|ServiceAccount',
];

/**
 * @internal Sources of the generated modules `schema-check.ts` loads, by file name (without
 * `.js`): `validators` ({@link LIBRARY_KINDS}, {@link AUDIT_POLICY}, {@link CUSTOM_RESOURCE}) and
 * `validators-more` (every other kind of the `gvk` map).
 */
export function standaloneValidatorModules(): Record<'validators' | 'validators-more', string> {
  const { gvk }: { gvk: Record<string, string> } = require('./schema/k8s-v1.27-strict.json');
  const unknown = LIBRARY_KINDS.filter((key) => !gvk[key]);
  if (unknown.length) throw new Error(`LIBRARY_KINDS not in the gvk map: ${unknown.join(', ')}`);
  return {
    'validators': standaloneValidatorsSource([...LIBRARY_KINDS, AUDIT_POLICY, CUSTOM_RESOURCE]),
    'validators-more': standaloneValidatorsSource(Object.keys(gvk).filter((key) => !LIBRARY_KINDS.includes(key))),
  };
}

/**
 * @internal Source of a CommonJS module of precompiled strict-schema validators that
 * `schema-check.ts` loads (`schema/validators*.js`, written by `scripts/validators.js` when the
 * package builds): compiling at runtime cost a synth ~15 ms per kind. One export per validator key
 * (`apiVersion|kind`, {@link AUDIT_POLICY}, {@link CUSTOM_RESOURCE}). Same ajv options as the
 * runtime compile (so the same errors), plus `code.source` that standalone needs and ajv's code
 * optimizer, which the runtime compile leaves off: here it runs once per build, and its code
 * checks the fleet's 16,000 objects about a quarter faster.
 */
export function standaloneValidatorsSource(keys: readonly string[]): string {
  const schema: { gvk: Record<string, string>; definitions: Record<string, unknown> } = require('./schema/k8s-v1.27-strict.json');
  const clash = Object.keys(schema.gvk).filter((key) => isCustomResource(key.slice(0, key.indexOf('|'))));
  if (clash.length) {
    // schema-check.ts looks a custom resource up by CUSTOM_RESOURCE alone.
    throw new Error(`kinds of the gvk map in custom-resource groups: ${clash.join(', ')}`);
  }
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, optimize: true } });
  ajv.addSchema({ $id: SCHEMA_ID, definitions: schema.definitions });
  const exports: Record<string, string> = {};
  keys.forEach((key, i) => {
    const validator = validatorSchema(key, schema.gvk);
    if (!validator) throw new Error(`not a validator key: ${key}`);
    // An id without "/" or ":", so that the `$ref`s to SCHEMA_ID resolve to it unchanged.
    const id = `validator${i}`;
    ajv.addSchema(validator, id);
    exports[key] = id;
  });
  return standaloneCode(ajv, exports);
}
