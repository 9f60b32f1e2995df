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
