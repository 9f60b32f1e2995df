import { parseAllDocuments } from 'yaml';
import { ImagePolicy, PLATFORM_RULES, PodSecurityLevel, PolicyEngine } from '../lib';

/** Runs one rule over YAML documents; the ids of the rules that fire. */
function findings(yaml: string, ruleIds: string[]) {
  const objects = parseAllDocuments(yaml).map((d) => d.toJS());
  return new PolicyEngine({ rules: PLATFORM_RULES.filter((r) => ruleIds.includes(r.id)) })
    .evaluate(objects.map((object, i) => ({ object, path: `doc${i}`, file: 'example.yaml' })), { namespace: 'default', podSecurity: PodSecurityLevel.PRIVILEGED, imagePolicy: ImagePolicy.TAGGED });
}

const withExamples = PLATFORM_RULES.filter((r) => r.examples);

test('the rules added with the seeded-mistake work all carry a failing and a passing example', () => {
  expect(withExamples.map((r) => r.id)).toEqual(expect.arrayContaining(['PLT024', 'PLT033', 'PLT034', 'PLT035', 'PLT036', 'PLT072', 'PLT073', 'PLT080', 'PLT081', 'PLT082', 'PLT083', 'PLT090', 'PLT091']));
});

describe.each(withExamples.map((r) => [`${r.id} ${r.name}`, r] as const))('%s', (_, rule) => {
  test('its failing example (docs/rules.md) breaks it', () => {
    expect(findings(rule.examples!.failing, [rule.id]).map((f) => f.rule)).toContain(rule.id);
  });
  test('its passing example does not', () => {
    expect(findings(rule.examples!.passing, [rule.id])).toEqual([]);
  });
});
