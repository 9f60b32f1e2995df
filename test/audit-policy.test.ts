import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { analyzeAuditPolicy, AuditLevel, AuditPolicy, AuditPolicySpec, AuditPresets, AuditRule, AuditStage, auditPolicyToJson, auditPolicyToYaml, AuditPolicyCheck, Environment, Platform } from '../lib';
import { expectSnapshot, find, problemsOf, render } from './support/harness';

/** The GKE / kube-up policy (configure-helper.sh create-master-audit-policy), as upstream writes it. */
const KNOWN = ['', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'apps', 'authentication.k8s.io',
  'authorization.k8s.io', 'autoscaling', 'batch', 'certificates.k8s.io', 'extensions', 'metrics.k8s.io', 'networking.k8s.io',
  'node.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'scheduling.k8s.io', 'storage.k8s.io'].map((group) => ({ group }));
const UPSTREAM_GKE_RULES = [
  { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'], resources: [{ group: '', resources: ['endpoints', 'services', 'services/status'] }] },
  { level: 'None', users: ['system:unsecured'], namespaces: ['kube-system'], verbs: ['get'], resources: [{ group: '', resources: ['configmaps'] }] },
  { level: 'None', users: ['kubelet'], verbs: ['get'], resources: [{ group: '', resources: ['nodes', 'nodes/status'] }] },
  { level: 'None', userGroups: ['system:nodes'], verbs: ['get'], resources: [{ group: '', resources: ['nodes', 'nodes/status'] }] },
  {
    level: 'None',
    users: ['system:kube-controller-manager', 'system:cloud-controller-manager', 'system:kube-scheduler', 'system:serviceaccount:kube-system:endpoint-controller'],
    verbs: ['get', 'update'],
    namespaces: ['kube-system'],
    resources: [{ group: '', resources: ['endpoints'] }],
  },
  { level: 'None', users: ['system:apiserver'], verbs: ['get'], resources: [{ group: '', resources: ['namespaces', 'namespaces/status', 'namespaces/finalize'] }] },
  { level: 'None', users: ['cluster-autoscaler'], verbs: ['get', 'update'], namespaces: ['kube-system'], resources: [{ group: '', resources: ['configmaps', 'endpoints'] }] },
  { level: 'None', users: ['system:kube-controller-manager', 'system:cloud-controller-manager'], verbs: ['get', 'list'], resources: [{ group: 'metrics.k8s.io' }] },
  { level: 'None', nonResourceURLs: ['/healthz*', '/version', '/swagger*'] },
  { level: 'None', resources: [{ group: '', resources: ['events'] }] },
  {
    level: 'Request',
    users: ['kubelet', 'system:node-problem-detector', 'system:serviceaccount:kube-system:node-problem-detector'],
    verbs: ['update', 'patch'],
    resources: [{ group: '', resources: ['nodes/status', 'pods/status'] }],
    omitStages: ['RequestReceived'],
  },
  { level: 'Request', userGroups: ['system:nodes'], verbs: ['update', 'patch'], resources: [{ group: '', resources: ['nodes/status', 'pods/status'] }], omitStages: ['RequestReceived'] },
  { level: 'Request', users: ['system:serviceaccount:kube-system:namespace-controller'], verbs: ['deletecollection'], omitStages: ['RequestReceived'] },
  {
    level: 'Metadata',
    resources: [{ group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] }, { group: 'authentication.k8s.io', resources: ['tokenreviews'] }],
    omitStages: ['RequestReceived'],
  },
  { level: 'Request', verbs: ['get', 'list', 'watch'], resources: KNOWN, omitStages: ['RequestReceived'] },
  { level: 'RequestResponse', resources: KNOWN, omitStages: ['RequestReceived'] },
  { level: 'Metadata', omitStages: ['RequestReceived'] },
];

const secretRule: AuditRule = { level: AuditLevel.REQUEST_RESPONSE, resources: [{ resources: ['secrets'] }] };

describe('AuditPolicy', () => {
  test('the GKE preset renders rule for rule like the upstream policy', () => {
    const rendered = auditPolicyToJson(AuditPresets.gke());
    expect(rendered.rules).toHaveLength(UPSTREAM_GKE_RULES.length);
    UPSTREAM_GKE_RULES.forEach((rule, i) => expect([i, rendered.rules[i]]).toEqual([i, rule]));
    expect(rendered).toEqual({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', metadata: { name: 'audit-policy' }, rules: UPSTREAM_GKE_RULES });
  });

  test.each([
    ['gke', AuditPresets.gke()],
    ['metadataOnly', AuditPresets.metadataOnly()],
    ['writeBodies', AuditPresets.writeBodies()],
  ])('the %s preset has neither errors nor warnings', (_, spec) => {
    expect(analyzeAuditPolicy(spec)).toEqual({ errors: [], warnings: [] });
  });

  test('renders as a file with only a name: no namespace, no labels', () => {
    const objects = render((chart) => new AuditPolicy(chart, 'audit', AuditPresets.writeBodies()), { app: 'cluster' });
    expect(find(objects, 'Policy', 'audit-policy').metadata).toEqual({ name: 'audit-policy' });
  });

  test.each(['gke', 'metadataOnly', 'writeBodies'] as const)('snapshot: %s preset', (preset) => {
    expectSnapshot((chart) => new AuditPolicy(chart, 'audit', AuditPresets[preset]()), { app: 'cluster' });
  });

  test('toYaml() renders without an app, and addRule() extends a preset before its catch-all', () => {
    const policy = new AuditPolicy(Testing.chart(), 'standalone', AuditPresets.metadataOnly());
    policy.addRule({ level: AuditLevel.NONE, users: ['system:serviceaccount:monitoring:prometheus'], verbs: ['get', 'list', 'watch'] });
    const doc = parse(policy.toYaml());
    expect(doc.rules.map((r: any) => r.level)).toEqual(['None', 'None', 'Metadata']);
    expect(doc.rules[1].users).toEqual(['system:serviceaccount:monitoring:prometheus']);
    expect(doc.omitStages).toEqual(['RequestReceived']);
    expect(parse(auditPolicyToYaml(AuditPresets.metadataOnly(), 'kube-apiserver-audit')).metadata).toEqual({ name: 'kube-apiserver-audit' });
  });

  test('a preset extended with a sensitive ConfigMap rule before the catch-all', () => {
    const objects = render((chart) => {
      const policy = new AuditPolicy(chart, 'audit', AuditPresets.metadataOnly());
      policy.insertRule(0, { level: AuditLevel.REQUEST_RESPONSE, verbs: ['update', 'patch'], namespaces: ['prod'], resources: [{ resources: ['configmaps'], resourceNames: ['feature-flags'] }], allowSensitiveBodies: true });
    }, { app: 'cluster' });
    const rules = find(objects, 'Policy', 'audit-policy').rules;
    expect(rules[0]).toEqual({ level: 'RequestResponse', verbs: ['update', 'patch'], namespaces: ['prod'], resources: [{ group: '', resources: ['configmaps'], resourceNames: ['feature-flags'] }] });
  });

  test('extending the GKE preset: a rule added before the catch-all that an earlier rule covers is refused with where to put it', () => {
    const sensitiveConfigMap: AuditRule = {
      level: AuditLevel.REQUEST, verbs: ['update', 'patch'], namespaces: ['prod'], resources: [{ resources: ['configmaps'], resourceNames: ['feature-flags'] }], allowSensitiveBodies: true,
    };
    const refused = problemsOf((chart) => new AuditPolicy(chart, 'audit', AuditPresets.gke()).addRule(sensitiveConfigMap), { app: 'cluster' });
    expect(refused).toEqual([expect.stringContaining('rules[16]: can never match: every request it matches is taken first by rules[13] (first match wins)')]);
    expect(refused[0]).toContain('Fix: remove it, or move it before rules[13] if it should win');
    const objects = render((chart) => new AuditPolicy(chart, 'audit', AuditPresets.gke()).insertRule(13, sensitiveConfigMap), { app: 'cluster' });
    expect(find(objects, 'Policy', 'audit-policy').rules[13].resources).toEqual([{ group: '', resources: ['configmaps'], resourceNames: ['feature-flags'] }]);
  });
});

describe('AuditPolicy refusals', () => {
  const problems = (rules: AuditRule[], extra: object = {}) => problemsOf((chart) => new AuditPolicy(chart, 'audit', { rules, ...extra }), { app: 'cluster' });

  test('a rule an earlier rule covers is refused, naming both', () => {
    const p = problems([
      { level: AuditLevel.METADATA, resources: [{ resources: ['pods', 'pods/log'] }] },
      { level: AuditLevel.REQUEST, verbs: ['get'], resources: [{ resources: ['pods/log'] }] },
      { level: AuditLevel.METADATA },
    ]);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^\[dev\/cluster\/audit\] rules\[1\]: can never match: every request it matches is taken first by rules\[0\]/);
    expect(p[0]).toContain('"pods/log"');
    expect(p[0]).toContain('Fix: remove it, or move it before rules[0]');
  });

  test('a rule covered only by several earlier rules together is refused', () => {
    const p = problems([
      { level: AuditLevel.NONE, verbs: ['get', 'list', 'watch'] },
      { level: AuditLevel.METADATA, verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'] },
      { level: AuditLevel.METADATA, verbs: ['get', 'create'], resources: [{ group: 'apps', resources: ['deployments'] }] },
      { level: AuditLevel.METADATA },
    ]);
    expect(p).toEqual([expect.stringContaining('rules[2]: can never match: every request it matches is taken first by rules[0], rules[1]')]);
  });

  test('wildcards and prefixes are understood: pods/* covers pods/exec, /api* covers /apis', () => {
    expect(problems([
      { level: AuditLevel.METADATA, resources: [{ resources: ['pods/*'] }] },
      { level: AuditLevel.NONE, resources: [{ resources: ['pods/exec'] }] },
      { level: AuditLevel.NONE, nonResourceURLs: ['/api*'] },
      { level: AuditLevel.NONE, nonResourceURLs: ['/apis/metrics'] },
      { level: AuditLevel.METADATA },
    ]).map((p) => p.split(':')[0])).toEqual(['[dev/cluster/audit] rules[1]', '[dev/cluster/audit] rules[3]']);
  });

  test('rules that only overlap are accepted', () => {
    expect(analyzeAuditPolicy({
      rules: [
        { level: AuditLevel.NONE, users: ['system:kube-proxy'], verbs: ['watch'] },
        { level: AuditLevel.METADATA, verbs: ['watch'], namespaces: ['kube-system'] },
        { level: AuditLevel.METADATA },
      ],
    }).errors).toEqual([]);
  });

  test('without a catch-all, the requests that fall through to None are named', () => {
    const p = problems([{ level: AuditLevel.METADATA, resources: [{ group: 'apps' }] }]);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/rules: \d+ classes of requests match no rule and are not logged at all \(level None\)/);
    expect(p[0]).toContain('Fix: end the policy with a catch-all rule');
  });

  test('logging bodies of Secrets is refused unless allowed', () => {
    const p = problems([secretRule, { level: AuditLevel.METADATA }]);
    expect(p).toEqual([expect.stringContaining('rules[0].level: logs bodies of secrets, which puts credentials into the audit log (got "RequestResponse")')]);
    expect(problems([{ level: AuditLevel.REQUEST, verbs: ['create'] }, { level: AuditLevel.METADATA }])[0])
      .toContain('rules[0].level: logs bodies of secrets, configmaps, serviceaccounts/token, authentication.k8s.io/tokenreviews');
    expect(analyzeAuditPolicy({ rules: [{ ...secretRule, allowSensitiveBodies: true }, { level: AuditLevel.METADATA }] }).errors).toEqual([]);
  });

  test('Request level on reads and deletes of Secrets logs no secret and is accepted', () => {
    expect(analyzeAuditPolicy({ rules: [{ level: AuditLevel.REQUEST, verbs: ['get', 'list', 'watch', 'delete'] }, { level: AuditLevel.METADATA }] }).errors).toEqual([]);
  });

  test('unknown levels and stages are refused', () => {
    const p = problems([{ level: 'Everything' as AuditLevel, omitStages: ['Received' as AuditStage] }], { omitStages: ['Done'] });
    expect(p).toEqual([
      expect.stringContaining('omitStages[0]: is not an audit stage (got "Done")'),
      expect.stringContaining('rules[0].level: is not an audit level (got "Everything"). Fix: use one of None, Metadata, Request, RequestResponse'),
      expect.stringContaining('rules[0].omitStages[0]: is not an audit stage (got "Received")'),
    ]);
  });

  test('malformed rules are refused', () => {
    const p = problems([
      { level: AuditLevel.NONE, namespaces: ['kube-system'], nonResourceURLs: ['/healthz'] },
      { level: AuditLevel.NONE, nonResourceURLs: ['healthz', '/a*b'] },
      { level: AuditLevel.NONE, resources: [{ resources: ['pods/log/x', 'po*'] }] },
      { level: AuditLevel.METADATA },
    ]);
    expect(p.map((s) => s.replace(/^\[[^\]]+\] /, '').split(' (got')[0])).toEqual([
      'rules[0].nonResourceURLs: cannot be combined with resources or namespaces: a request is either a resource request or not',
      'rules[1].nonResourceURLs[0]: must be a path starting with "/", with "*" only at the end',
      'rules[1].nonResourceURLs[1]: must be a path starting with "/", with "*" only at the end',
      'rules[2].resources[0].resources: is not a resource pattern',
      'rules[2].resources[0].resources: is not a resource pattern',
    ]);
  });
});

describe('AuditPolicy: what the API server does that a rule list hides', () => {
  const errorsOf = (spec: Partial<AuditPolicySpec>) => analyzeAuditPolicy({ rules: [], ...spec }).errors.map((e) => `${e.field}: ${e.message}`);

  test('a None rule for system:authenticated shadows a later rule for one user (every user is in it)', () => {
    expect(errorsOf({ rules: [
      { level: AuditLevel.NONE, userGroups: ['system:authenticated'] },
      { level: AuditLevel.REQUEST_RESPONSE, users: ['alice'], verbs: ['create'] },
      { level: AuditLevel.METADATA },
    ] })).toEqual([
      expect.stringMatching(/^rules\[1\]: can never match: every request it matches is taken first by rules\[0\]/),
    ]);
    // ServiceAccounts are in system:serviceaccounts and system:serviceaccounts:<namespace> without saying so.
    expect(errorsOf({ rules: [
      { level: AuditLevel.NONE, userGroups: ['system:serviceaccounts:ci'] },
      { level: AuditLevel.METADATA, users: ['system:serviceaccount:ci:deployer'] },
      { level: AuditLevel.METADATA },
    ] })).toEqual([expect.stringMatching(/^rules\[1\]: can never match/)]);
    // Anonymous requests are not in system:authenticated: a later rule for them stays reachable.
    expect(errorsOf({ rules: [
      { level: AuditLevel.NONE, userGroups: ['system:authenticated'] },
      { level: AuditLevel.METADATA },
    ] })).toEqual([]);
  });

  test('groups and resources that match nothing are refused', () => {
    expect(errorsOf({ rules: [
      { level: AuditLevel.METADATA, resources: [{ group: 'core', resources: ['secrets'] }] },
      { level: AuditLevel.METADATA, resources: [{ group: '', resources: ['secret'] }] },
      { level: AuditLevel.METADATA },
    ] })).toEqual([
      'rules[0].resources[0].group: is not an API group (the core group is written ""), so the rule matches nothing',
      'rules[1].resources[0].resources: is not a resource of the core group in Kubernetes 1.27, so the rule matches nothing',
    ]);
    const [secret] = analyzeAuditPolicy({ rules: [{ level: AuditLevel.METADATA, resources: [{ resources: ['secret'] }] }, { level: AuditLevel.METADATA }] }).errors;
    expect(secret.fix).toBe('write "secrets" (resources are lower-case plurals)');
  });

  test('reachability holds past the 32nd rule (rules are matched as sets of 32 per word)', () => {
    const users = Array.from({ length: 40 }, (_, i) => ({ level: AuditLevel.METADATA, users: [`user-${i}`] }));
    expect(errorsOf({ rules: [...users, { level: AuditLevel.METADATA }] })).toEqual([]);
    expect(errorsOf({ rules: [...users, { level: AuditLevel.NONE, users: ['user-33', 'user-1'] }, { level: AuditLevel.METADATA }] }))
      .toEqual(['rules[40]: can never match: every request it matches is taken first by rules[1], rules[33] (first match wins)']);
    expect(errorsOf({ rules: users })).toEqual([expect.stringMatching(/^rules: \d+ classes of requests match no rule/)]);
  });

  test('omitting all four stages logs nothing and is refused', () => {
    const all = [AuditStage.REQUEST_RECEIVED, AuditStage.RESPONSE_STARTED, AuditStage.RESPONSE_COMPLETE, AuditStage.PANIC];
    expect(errorsOf({ omitStages: all, rules: [{ level: AuditLevel.METADATA }] })).toEqual(['omitStages: omits every stage, so nothing is ever logged']);
    expect(errorsOf({ omitStages: [AuditStage.REQUEST_RECEIVED], rules: [{ level: AuditLevel.METADATA, omitStages: all.slice(1) }] }))
      .toEqual([expect.stringMatching(/^rules\[0\]\.omitStages: with the policy's omitStages omits every stage/)]);
  });

  test('bodies of External Secrets stores and generators, and of declared sensitive resources, count as credentials', () => {
    expect(errorsOf({ rules: [{ level: AuditLevel.REQUEST_RESPONSE }] })).toEqual([
      expect.stringContaining('external-secrets.io/secretstores, external-secrets.io/clustersecretstores, generators.external-secrets.io/passwords'),
    ]);
    expect(errorsOf({ sensitiveResources: [{ group: 'db.example.com', resource: 'users' }], rules: [
      { level: AuditLevel.REQUEST, resources: [{ group: 'db.example.com', resources: ['users'] }], verbs: ['create'] },
      { level: AuditLevel.METADATA },
    ] })).toEqual([expect.stringContaining('rules[0].level: logs bodies of db.example.com/users')]);
  });
});

describe('AuditPolicy warnings', () => {
  test('RequestResponse on reads and uncovered subresources warn without refusing', () => {
    const spec = { rules: [{ level: AuditLevel.REQUEST_RESPONSE, resources: [{ group: 'apps', resources: ['deployments'] }] }, { level: AuditLevel.METADATA }] };
    const { errors, warnings } = analyzeAuditPolicy(spec);
    expect(errors).toEqual([]);
    expect(warnings.map((w) => `${w.field}: ${w.message}`)).toEqual([
      'rules[0].resources[0].resources: does not cover its subresources deployments/scale, deployments/status: requests on them fall to later rules',
      'rules[0].level: logs response bodies of get/list/watch requests, which are large and frequent',
    ]);
  });

  test('warnings() names the construct path', () => {
    render((chart) => {
      const policy = new AuditPolicy(chart, 'audit', { rules: [{ level: AuditLevel.METADATA, resources: [{ resources: ['pods'] }] }, { level: AuditLevel.METADATA }] });
      expect(policy.warnings()).toEqual([expect.stringMatching(/^\[cluster\/audit\] rules\[0\]\.resources\[0\]\.resources: does not cover its subresources pods\/log, pods\/exec/)]);
    }, { app: 'cluster' });
  });
});

describe('AuditPolicyCheck', () => {
  test('the Platform prints a rendered policy\'s warnings', () => {
    const platform = new Platform({
      environments: [Environment.dev({ baseDomain: 'dev.example.com' })],
      stacks: [{ name: 'cluster', define: (chart) => new AuditPolicy(chart, 'audit', { rules: [{ level: AuditLevel.REQUEST_RESPONSE, resources: [{ group: 'batch', resources: ['jobs'] }] }, { level: AuditLevel.METADATA }] }) }],
      checks: [new AuditPolicyCheck()],
    });
    expect(platform.render().warnings).toEqual([
      '[dev/cluster/audit/Resource] AUDIT rules[0].resources[0].resources: does not cover its subresources jobs/status: requests on them fall to later rules (got "jobs"). Fix: add "jobs/*" (or the subresources meant) if they should be logged the same way',
      expect.stringContaining('AUDIT rules[0].level: logs response bodies of get/list/watch requests'),
    ]);
  });
});
