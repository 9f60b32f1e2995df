import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { AJV_OPTIONS, AUDIT_POLICY, CUSTOM_RESOURCE, setPrecompiledValidators, strictSchemaProblems, validatorSchema } from '../lib/core/schema-check';
import { LIBRARY_KINDS, standaloneValidatorModules } from '../lib/core/schema-standalone';

// The strict schema check loads validators generated at build time (ajv standalone code) and
// compiles at runtime only what they lack. Both must report the same problems, to the letter.

type Validators = Record<string, any>;
const schema: { gvk: Record<string, string> } = require('../lib/core/schema/k8s-v1.27-strict.json');

let common: Validators;
let more: Validators;
let tmp: string;

beforeAll(() => {
  // Generated as `npm run build` does (scripts/validators.js), into a folder of its own: the
  // modules require nothing but ajv's runtime, if anything.
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'validators-'));
  const sources = standaloneValidatorModules();
  fs.writeFileSync(path.join(tmp, 'validators.js'), sources.validators);
  fs.writeFileSync(path.join(tmp, 'validators-more.js'), sources['validators-more']);
  common = require(path.join(tmp, 'validators.js'));
  more = require(path.join(tmp, 'validators-more.js'));
});

afterAll(() => {
  setPrecompiledValidators(undefined);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Problems of each object, with these validators (null: runtime compile). */
function problemsWith(modules: readonly [Validators | null, Validators | null] | undefined, objects: unknown[]) {
  setPrecompiledValidators(modules);
  // Copies: strictSchemaProblems keeps each object's problems by identity.
  return objects.map((o) => strictSchemaProblems(structuredClone(o)));
}

/** A module that records which of its validators were used. */
function recording(module: Validators, used: Set<string>): Validators {
  return new Proxy(module, { get: (target, key) => (typeof key === 'string' && key in target && used.add(key), target[key as string]) });
}

const deployment = (container: object, extra: object = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container], ...extra } } },
});

/** Valid and invalid objects, each with the problems it must have (field: message (fix)). */
const CASES: [string, unknown, string[]][] = [
  ['valid Deployment', deployment({ name: 'web', image: 'nginx:1.25.3', resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: 0.5 } } }), []],
  ['unknown field, near miss', deployment({ name: 'web', image: 'nginx', imagePullPolcy: 'Always' }), [
    'spec.template.spec.containers[0].imagePullPolcy: is not a field of Kubernetes 1.27 (the API server would drop it) (did you mean "imagePullPolicy"? Otherwise remove it)',
  ]],
  ['unknown field, no near miss', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, dta: {}, xyzzy: 1 }, [
    'dta: is not a field of Kubernetes 1.27 (the API server would drop it) (did you mean "data"? Otherwise remove it)',
    'xyzzy: is not a field of Kubernetes 1.27 (the API server would drop it) (remove it (known fields here: apiVersion, binaryData, data, immutable, kind, metadata))',
  ]],
  ['wrong types, missing required, quantity', deployment({ image: 'nginx', ports: [{ containerPort: '80' }], resources: { limits: { cpu: {}, memory: '1 GB' } } }, { replicas: 2 }), [
    'spec.template.spec.containers[0].name: is required (set name)',
    'spec.template.spec.containers[0].ports[0].containerPort: must be integer (write it as an integer)',
    'spec.template.spec.containers[0].resources.limits.cpu: must be string or number (write the quantity as a string like "500m" or "1Gi", or a number)',
    'spec.template.spec.containers[0].resources.limits.memory: must be a quantity (write it like "500m", "2", "64Mi" or "1Gi")',
    'spec.template.spec.replicas: is not a field of Kubernetes 1.27 (the API server would drop it) (remove it (known fields here: activeDeadlineSeconds, affinity, automountServiceAccountToken, containers, dnsConfig, dnsPolicy, enableServiceLinks, ephemeralContainers, hostAliases, hostIPC, hostNetwork, hostPID, hostUsers, hostname, imagePullSecrets, initContainers, nodeName, nodeSelector, os, overhead, preemptionPolicy, priority, priorityClassName, readinessGates, resourceClaims, restartPolicy, runtimeClassName, schedulerName, schedulingGates, securityContext, serviceAccount, serviceAccountName, setHostnameAsFQDN, shareProcessNamespace, subdomain, terminationGracePeriodSeconds, tolerations, topologySpreadConstraints, volumes))',
  ]],
  ['missing required at the top, labels not strings', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { labels: { 'app.kubernetes.io/name': 1 } }, spec: {} }, [
    'metadata.labels["app.kubernetes.io/name"]: must be string (write it as a string)',
    'metadata.name: is required (give the object a name)',
    'spec.selector: is required (set selector)',
    'spec.template: is required (set template)',
  ]],
  ['enum', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'Loadbalancer', ports: [{ port: 80, protocol: 'tcp' }] } }, [
    'spec.ports[0].protocol: must be one of "", "SCTP", "TCP", "UDP" (use one of the allowed values)',
    'spec.type: must be one of "", "ClusterIP", "ExternalName", "LoadBalancer", "NodePort" (use one of the allowed values)',
  ]],
  ['quantity pattern', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: 'ten', cpu: '2', memory: 1e9 } } }, [
    'spec.hard.pods: must be a quantity (write it like "500m", "2", "64Mi" or "1Gi")',
  ]],
  ['custom resource, valid', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' }, spec: { anything: true } }, []],
  ['custom resource, envelope', { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'm', lables: {}, annotations: { a: 1 } } }, [
    'metadata.annotations.a: must be string (write it as a string)',
    'metadata.lables: is not a field of Kubernetes 1.27 (the API server would drop it) (did you mean "labels"? Otherwise remove it)',
  ]],
  ['custom resource, no metadata', { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', spec: {} }, [
    'metadata: is required (set metadata)',
  ]],
  ['audit Policy, valid', { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitStages: ['RequestReceived'], rules: [{ level: 'Metadata', resources: [{ group: '', resources: ['secrets'] }] }] }, []],
  ['audit Policy, invalid', { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitStage: [], rules: [{ level: 'All', resources: [{ group: '', resource: ['secrets'] }] }, {}] }, [
    'omitStage: is not a field of Kubernetes 1.27 (the API server would drop it) (did you mean "omitStages"? Otherwise remove it)',
    'rules[0].level: must be one of "None", "Metadata", "Request", "RequestResponse" (use one of the allowed values)',
    'rules[0].resources[0].resource: is not a field of Kubernetes 1.27 (the API server would drop it) (did you mean "resources"? Otherwise remove it)',
    'rules[1].level: is required (set level)',
  ]],
  ['audit Policy, no rules', { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [] }, [
    'rules: must NOT have fewer than 1 items (see the Kubernetes 1.27 API reference for this field)',
  ]],
  ['kind of the second module', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', imagePullPolicy: 'Sometimes' }] } }, replica: 1 } }, [
    'spec.replica: is not a field of Kubernetes 1.27 (the API server would drop it) (remove it (known fields here: minReadySeconds, revisionHistoryLimit, selector, template, updateStrategy))',
    'spec.template.spec.containers[0].imagePullPolicy: must be one of "", "Always", "IfNotPresent", "Never" (use one of the allowed values)',
  ]],
  ['unknown kind', { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'i' } }, [
    'kind: is not a Kubernetes 1.27 kind (use a kind and apiVersion of the Kubernetes 1.27 API (removed APIs, e.g. extensions/v1beta1, are refused), or a custom resource in its own API group)',
  ]],
  ['not an object', 'apiVersion: v1', ['(object): must be an object (render one Kubernetes object per document)']],
  ['no kind', { apiVersion: 'v1' }, ['(object): needs a string apiVersion and kind (set apiVersion and kind, e.g. "apps/v1" and "Deployment")']],
];

const rendered = (problems: { field: string; message: string; fix: string }[]) => problems.map((p) => `${p.field}: ${p.message} (${p.fix})`).sort();

describe('precompiled strict-schema validators', () => {
  test.each(CASES)('%s: the expected problems, the same precompiled and compiled at runtime', (_name, object, expected) => {
    const [precompiled] = problemsWith([common, more], [object]);
    const [compiled] = problemsWith([null, null], [object]);
    expect(rendered(precompiled)).toEqual([...expected].sort());
    // Identical to the letter: field, value, message and fix, in the same order.
    expect(precompiled).toEqual(compiled);
  });

  test('the generated modules are used: the kinds the library emits from the first, others from the second', () => {
    const used = [new Set<string>(), new Set<string>()];
    problemsWith([recording(common, used[0]), recording(more, used[1])], CASES.map(([, object]) => object));
    expect([...used[0]].sort()).toEqual([AUDIT_POLICY, CUSTOM_RESOURCE, 'apps/v1|Deployment', 'v1|ConfigMap', 'v1|ResourceQuota', 'v1|Service'].sort());
    expect([...used[1]]).toEqual(['apps/v1|DaemonSet']);
  });

  test('the two modules hold every kind of the schema, the audit Policy and the custom-resource envelope, once', () => {
    const keys = [...Object.keys(common), ...Object.keys(more)].sort();
    expect(keys).toEqual([...Object.keys(schema.gvk), AUDIT_POLICY, CUSTOM_RESOURCE].sort());
    expect(Object.keys(common).sort()).toEqual([...LIBRARY_KINDS, AUDIT_POLICY, CUSTOM_RESOURCE].sort());
  });

  test('every kind: the same problems for a minimal object with a misspelt and a mistyped field', () => {
    const objects = Object.keys(schema.gvk).flatMap((key) => {
      const [apiVersion, kind] = key.split('|');
      return [
        { apiVersion, kind, metadata: { name: 'x', namespace: 'ns', lables: { a: 'b' } } },
        { apiVersion, kind, metadata: { name: 'x', labels: { a: 1 } }, spec: { zzz: true }, status: 'up' },
      ];
    });
    const precompiled = problemsWith([common, more], objects);
    expect(precompiled.every((problems) => problems.length > 0)).toBe(true);
    expect(precompiled).toEqual(problemsWith([null, null], objects));
  });

  test('the rendered objects of dist/, valid and with a field misspelt, the same', () => {
    const objects: any[] = [];
    const walk = (dir: string): void => fs.readdirSync(dir, { withFileTypes: true }).forEach((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.yaml')) objects.push(...parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean));
    });
    walk(path.join(__dirname, '..', 'dist'));
    const misspelt = objects.map((o) => ({ ...o, metadata: { ...o.metadata, nmae: 'x' }, spec: o.spec && typeof o.spec === 'object' ? { ...o.spec, replicsa: 1 } : o.spec }));
    const all = [...objects, ...misspelt];
    const precompiled = problemsWith([common, more], all);
    expect(precompiled.some((problems) => problems.some((p) => p.fix.startsWith('did you mean "replicas"')))).toBe(true);
    expect(precompiled).toEqual(problemsWith([null, null], all));
  });

  test('a module that lacks a kind, or both absent (as here, where jest runs the sources): compiled at runtime, the same', () => {
    const objects = CASES.map(([, object]) => object);
    const expected = problemsWith([common, more], objects);
    expect(problemsWith([common, null], objects)).toEqual(expected);
    expect(problemsWith([{}, null], objects)).toEqual(expected);
    // The modules next to lib/core/schema-check.ts: not generated for the sources, so the fallback.
    expect(problemsWith(undefined, objects)).toEqual(expected);
  });

  test('the runtime compile with ajv\'s default inlineRefs (before the validators were precompiled) reports the same', () => {
    // AJV_OPTIONS share definition functions between kinds (inlineRefs: false): this changes the
    // generated code, not the errors.
    const ajv = new Ajv({ ...AJV_OPTIONS, inlineRefs: true });
    ajv.addSchema({ $id: 'k8s-1.27', definitions: require('../lib/core/schema/k8s-v1.27-strict.json').definitions });
    const keys = [...Object.keys(schema.gvk), AUDIT_POLICY, CUSTOM_RESOURCE];
    const inlined = Object.fromEntries(keys.map((key) => [key, ajv.compile(validatorSchema(key, schema.gvk)!)]));
    const objects = CASES.map(([, object]) => object);
    expect(problemsWith([inlined, {}], objects)).toEqual(problemsWith([common, more], objects));
  });
});
