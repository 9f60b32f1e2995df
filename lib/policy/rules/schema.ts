import { schemaProblems } from '../../core/schema-check';
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
  check: ({ index }) => index.objects.flatMap((o) => schemaProblems(o.object).map((p) => violation(o, p))),
});
