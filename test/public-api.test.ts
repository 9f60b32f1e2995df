import * as lib from '../lib';

// The package entry is the public API: consumers get constructs, value classes, the Platform and
// the policy engine, not the synth machinery or the helpers constructs share.
const INTERNAL = [
  'YamlWriter', 'OutputFolder', 'RenderedJson', 'ConstructTree', 'addProblems', 'labelProblems', 'configHash', 'configSourcesOf',
  'parseQuantity', 'formatCpu', 'formatBytes', 'claimSpec', 'claimProblems', 'sizeProblems', 'accessModeProblems',
  'reclaimPolicyProblems', 'jobSpec', 'jobProblems', 'applyHighAvailability', 'HOSTNAME_TOPOLOGY_KEY',
  'repoUrlProblems', 'POD_SECURITY_EXCEPTION', 'isCatchAll', 'podSecurityProblems', 'matchesSelector', 'ObjectIndex',
];

test('the package entry exports no internals', () => {
  expect(INTERNAL.filter((name) => name in lib)).toEqual([]);
});

test('the package entry exports what a consumer app and its cdk8s.yaml use', () => {
  for (const name of ['AppChart', 'Environment', 'Platform', 'SynthError', 'Deployment', 'Service', 'ConfigMap', 'ExistingSecret', 'Waiver', 'PolicyEngine', 'PolicyValidation', 'PLATFORM_RULES']) {
    expect({ name, exported: name in lib }).toEqual({ name, exported: true });
  }
});
