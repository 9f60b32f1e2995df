import { PolicyObject } from '../object-index';
import { Rule, Severity, violation, Violation } from '../rule';
import { Waiver } from '../waiver';

/** PLT000: waivers name a rule and give a reason. */
export const waiverRule = Rule.of({
  id: 'PLT000',
  name: 'waiver-has-reason',
  severity: Severity.ERROR,
  rationale: 'A waiver is a reviewed exception: without a reason nobody can tell later whether it still applies.',
  fix: 'Write why the rule does not apply as the value of the annotation k8s-constructs.io/waive.<rule id>.',
  library: 'Waiver.add(obj, \'PLT050\', \'reason\') writes the annotation.',
  examples: {
    failing: `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop, annotations: { k8s-constructs.io/waive.PLT091: "" } }
data: { mode: prod }`,
    passing: `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop, annotations: { k8s-constructs.io/waive.PLT091: "public test fixture, reviewed by platform" } }
data: { mode: prod }`,
  },
  check: ({ index, ruleIds }) => index.objects.flatMap((o) => waiverProblems(o, [o.object.metadata?.annotations, ...index.podsOf(o).map((p) => p.annotations)], ruleIds)),
});

function waiverProblems(o: PolicyObject, annotations: (Record<string, string> | undefined)[], ruleIds: ReadonlySet<string>): Violation[] {
  const waivers = Waiver.of(...annotations);
  // Nearly no object carries a waiver.
  if (!waivers.size) return [];
  return [...waivers.entries()].flatMap(([rule, reason]) => {
    const field = `metadata.annotations.${Waiver.annotationKey(rule)}`;
    return [
      ...(ruleIds.has(rule) ? [] : [violation(o, { field, value: rule, message: 'waives an unknown rule', fix: 'use a rule id from docs/rules.md' })]),
      ...(reason.trim() ? [] : [violation(o, { field, value: reason, message: 'is a waiver without a reason', fix: 'write why the rule does not apply here' })]),
    ];
  });
}
