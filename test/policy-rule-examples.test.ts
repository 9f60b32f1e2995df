import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { ImagePolicy, PLATFORM_RULES, PodSecurityLevel, PolicyEngine } from '../lib';

/** Runs one rule over YAML documents; the ids of the rules that fire. */
function findings(yaml: string, ruleIds: string[]) {
  const objects = parseAllDocuments(yaml).map((d) => d.toJS());
  return new PolicyEngine({ rules: PLATFORM_RULES.filter((r) => ruleIds.includes(r.id)) })
    .evaluate(objects.map((object, i) => ({ object, path: `doc${i}`, file: 'example.yaml' })), { namespace: 'default', podSecurity: PodSecurityLevel.RESTRICTED, imagePolicy: ImagePolicy.TAGGED });
}

const withExamples = PLATFORM_RULES.filter((r) => r.examples);

test('every rule carries a failing and a passing example', () => {
  expect(PLATFORM_RULES.filter((r) => !r.examples).map((r) => r.id)).toEqual([]);
});

describe.each(withExamples.map((r) => [`${r.id} ${r.name}`, r] as const))('%s', (_, rule) => {
  test('its failing example (docs/rules.md) breaks it', () => {
    expect(findings(rule.examples!.failing, [rule.id]).map((f) => f.rule)).toContain(rule.id);
  });
  test('its passing example does not', () => {
    expect(findings(rule.examples!.passing, [rule.id])).toEqual([]);
  });
});

test('the rules read any JSON without throwing: malformed objects get findings, never a TypeError', () => {
  const kinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Pod', 'CronJob', 'Service', 'Ingress', 'Role', 'ClusterRole', 'RoleBinding',
    'ClusterRoleBinding', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'ConfigMap', 'Secret', 'Namespace'];
  const keys = fc.constantFrom('template', 'spec', 'containers', 'metadata', 'labels', 'selector', 'matchLabels', 'matchExpressions', 'ports', 'env',
    'rules', 'verbs', 'resources', 'podSelector', 'ingress', 'from', 'scaleTargetRef', 'metrics', 'jobTemplate', 'volumes', 'securityContext',
    'readinessProbe', 'httpGet', 'port', 'name', 'args', 'annotations', 'minAvailable', 'affinity', 'data', 'schedule', 'serviceName', 'backend', 'paths');
  const any = fc.anything({ withBoxedValues: false, withMap: false, withSet: false, withObjectString: false, withNullPrototype: false });
  const { value } = fc.letrec((tie: any) => ({
    value: fc.oneof({ depthSize: 'small' }, any, fc.dictionary(keys, tie('value'), { maxKeys: 4, noNullPrototype: true }), fc.array(tie('value'), { maxLength: 3 })),
  }));
  const object = fc.record({
    apiVersion: fc.constantFrom('v1', 'apps/v1', 'batch/v1', 'policy/v1', 'autoscaling/v2', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1'),
    kind: fc.constantFrom(...kinds),
    metadata: fc.oneof(fc.constant({ name: 'a', namespace: 'shop' }), value),
    spec: value, rules: value, subjects: value, roleRef: value, data: value, stringData: value,
  });
  fc.assert(fc.property(fc.array(object, { maxLength: 4 }), (objects: any[]) => {
    new PolicyEngine().evaluate(objects.map((o) => ({ object: o, path: 'x', file: 'x.yaml' })), { namespace: 'shop', podSecurity: PodSecurityLevel.RESTRICTED, imagePolicy: ImagePolicy.TAGGED });
  }), { numRuns: 500, seed: 15 });
});
