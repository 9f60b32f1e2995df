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
  check: ({ index, ruleIds }) => index.objects.flatMap((o) => {
    const own = o.object.metadata?.annotations;
    const pods = index.podsOf(o);
    // Nearly no object carries a waiver: look for a key before collecting them.
    if (!hasWaiverKey(own) && !pods.some((p) => hasWaiverKey(p.annotations))) return [];
    return waiverProblems(o, [own, ...pods.map((p) => p.annotations)], ruleIds);
  }),
});

function waiverProblems(o: PolicyObject, annotations: (Record<string, string> | undefined)[], ruleIds: ReadonlySet<string>): Violation[] {
  return [...Waiver.of(...annotations).entries()].flatMap(([rule, reason]) => {
    const field = `metadata.annotations.${Waiver.annotationKey(rule)}`;
    return [
      ...(ruleIds.has(rule) ? [] : [violation(o, { field, value: rule, message: 'waives an unknown rule', fix: 'use a rule id from docs/rules.md' })]),
      ...(reason.trim() ? [] : [violation(o, { field, value: reason, message: 'is a waiver without a reason', fix: 'write why the rule does not apply here' })]),
    ];
  });
}

const WAIVER_PREFIX = Waiver.annotationKey('');

/** Whether annotations may hold a waiver (for-in also sees inherited keys, which {@link Waiver.of} then ignores). */
function hasWaiverKey(annotations: Record<string, string> | undefined): boolean {
  if (!annotations || typeof annotations !== 'object') return false;
  for (const key in annotations) {
    if (key.startsWith(WAIVER_PREFIX)) return true;
  }
  return false;
}
