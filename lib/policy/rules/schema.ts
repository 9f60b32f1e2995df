import { strictSchemaProblems } from '../../core/schema-check';
import { Rule, Severity, violation } from '../rule';

/**
 * PLT005: every object is valid Kubernetes 1.27. The Platform runs the same check on every
 * object before any rule (so under the Platform this rule finds nothing more); the rule is
 * what checks the objects of a plain cdk8s app through the validation plugin.
 */
export const kubernetesSchema = Rule.of({
  id: 'PLT005',
  name: 'kubernetes-schema',
  severity: Severity.ERROR,
  rationale: 'The API server drops unknown fields without a word (or rejects the object under strict validation) and rejects wrong types and missing required fields; a typo in an escape hatch would otherwise ship unnoticed.',
  fix: 'Fix the field at the JSON path named: correct its spelling (a suggestion is given), its type, or add the required field.',
  library: 'The Platform and AppChart run the same check on every object at synth; in a plain cdk8s app call patchesAfterConversion(app) before app.synth() so that patched typos reach it.',
  examples: {
    failing: 'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: shop }\nspec:\n  containers:\n    - name: web\n      image: "nginx:1.25"\n      resources: { request: { cpu: 100m } }',
    passing: 'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: shop }\nspec:\n  containers:\n    - name: web\n      image: "nginx:1.25"\n      resources: { requests: { cpu: 100m } }',
  },
  check: ({ index }) => index.objects.flatMap((o) => strictSchemaProblems(o.object).map((p) => violation(o, p))),
});
