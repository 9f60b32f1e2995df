import * as path from 'path';
import { ConsumerProject, consumerProject, ConsumerSynth } from './support/packed-plugin';

const FIXTURE = path.join(__dirname, 'fixtures', 'seeded-app');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MISTAKES, KPLUS } = require('./fixtures/seeded-app/main.js') as { MISTAKES: [string, Record<string, string>, unknown][]; KPLUS: string[] };

const CONFIG = `language: typescript
app: node main.js
output: dist
validations:
  - package: ./node_modules/@platform/k8s-constructs
    class: PolicyValidation
    version: 0.1.0
    properties:
      podSecurity: restricted
      imagePolicy: tagged
      environments:
        kplus:
          namespaces: [${KPLUS.join(', ')}]
          podSecurity: baseline
`;

/** One finding of the report: rule, chart (first segment of the construct path, else the namespace), path as reported. */
interface Seen { rule: string; chart: string; path: string; location: string }

function findingsOf(synth: ConsumerSynth): Seen[] {
  return synth.reports.flatMap((report) => report.violations.flatMap((v: any) => v.violatingConstructs.map((c: any) => {
    const location: string = c.locations[0];
    const namespace = /^\S+ \S+ ([^/]+)\//.exec(c.resourceName)?.[1];
    return { rule: v.ruleName.split(' ')[0], chart: c.constructPath?.split('/')[0] ?? namespace ?? '?', path: c.constructPath ?? location, location };
  })));
}

describe('seeded mistakes in a raw cdk8s / cdk8s-plus app, through the packed PolicyValidation plugin', () => {
  let project: ConsumerProject;
  let synth: ConsumerSynth;
  let seen: Seen[];
  beforeAll(() => {
    project = consumerProject(FIXTURE);
    synth = project.synth(CONFIG);
    seen = findingsOf(synth);
  }, 120_000);
  afterAll(() => project?.remove());

  test('the synth fails, with construct paths from PolicyMetadata and the README one-line format', () => {
    expect(MISTAKES.length).toBeGreaterThanOrEqual(40);
    expect(synth.status).toBe(2);
    expect(synth.reports[0].summary.metadata['construct paths']).toBe('exact (PolicyMetadata)');
    expect(synth.output).toContain('  [secret-in-git/db] PLT090 stringData: puts the Secret\'s values into the manifests, and so into Git (got ["password"]). Fix: ');
  });

  test('the correct baselines (raw and cdk8s-plus) have no finding', () => {
    expect(seen.filter((s) => s.chart.startsWith('baseline'))).toEqual([]);
    expect(seen.filter((s) => !MISTAKES.some(([id]) => id === s.chart))).toEqual([]);
  });

  test.each(MISTAKES.map(([id, expected]) => [id, expected] as const))('%s is caught by the right rule at the right construct', (id, expected) => {
    const mine = seen.filter((s) => s.chart === id);
    expect([...new Set(mine.map((s) => s.rule))].sort()).toEqual(Object.keys(expected).sort());
    for (const [rule, where] of Object.entries(expected)) {
      const at = mine.filter((s) => s.rule === rule).map((s) => s.path);
      // A duplicate object is one of two with the same identity: the plugin names both constructs rather than guess.
      expect(at.some((p) => p === `${id}/${where}` || p.includes(`construct path ambiguous: ${id}/`) && p.includes(`${id}/${where}`))).toBe(true);
    }
  });

  test('a misspelt property fails the synth before any check runs', () => {
    const r = project.synth(CONFIG.replace('imagePolicy: tagged', 'imagepolicy: tagged'));
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('PolicyValidation: properties.imagepolicy is not a property; did you mean imagePolicy?');
  }, 60_000);
});
