import { Waiver } from '../waiver';
import { Rule, Severity, violation } from '../rule';

/** PLT000: waivers name a rule and give a reason. */
export const waiverRule = Rule.of({
  id: 'PLT000',
  name: 'waiver-has-reason',
  severity: Severity.ERROR,
  rationale: 'A waiver is a reviewed exception: without a reason nobody can tell later whether it still applies.',
  fix: 'Write why the rule does not apply as the annotation value: Waiver.add(obj, \'PLT050\', \'reason\').',
  check: ({ index, ruleIds }) => index.objects.flatMap((o) => {
    const templates = [o.object.metadata?.annotations, ...index.pods.filter((p) => p.owner === o).map((p) => p.annotations)];
    return [...Waiver.of(...templates).entries()].flatMap(([rule, reason]) => [
      ...(ruleIds.has(rule) ? [] : [violation(o, { field: `metadata.annotations.${Waiver.annotationKey(rule)}`, value: rule, message: 'waives an unknown rule', fix: 'use a rule id from docs/rules.md' })]),
      ...(reason.trim() ? [] : [violation(o, { field: `metadata.annotations.${Waiver.annotationKey(rule)}`, value: reason, message: 'is a waiver without a reason', fix: 'write why the rule does not apply here' })]),
    ]);
  }),
});
