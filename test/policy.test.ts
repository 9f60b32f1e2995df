import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, ApiObjectProps, JsonPatch } from 'cdk8s';
import { createPlatform } from '../apps/platform';
import { stacks } from '../apps/stacks';
import { AppChart, EnvValue, Environment, ExistingSecret, PLATFORM_RULES, Platform, PodSecurityLevel, PolicyEngine, PolicyEngineProps, Rule, RuleId, Severity, StackDefinition, SynthError, Waiver } from '../lib';
import { goodPodSpec, IMAGE, rawDeployment, web } from './fixtures/policy-stack';
import { ENV, EnvName, toYaml } from './support/harness';
import { refusalOf } from './support/refusal';

type Define = (chart: AppChart) => void;

function platform(stacks: StackDefinition[], environment: EnvName | Environment = 'dev', engine: PolicyEngineProps = {}): Platform {
  return new Platform({ environments: [typeof environment === 'string' ? ENV[environment] : environment], stacks, checks: [new PolicyEngine(engine)] });
}

/** The problems of a refused test stack. */
function refused(define: Define, environment: EnvName | Environment = 'dev', engine: PolicyEngineProps = {}): string[] {
  return refusalOf(platform([{ name: 'test', define }], environment, engine));
}

/** Renders a test stack with the engine, returning its objects (fails on any error). */
function accepted(define: Define, environment: EnvName | Environment = 'dev', engine: PolicyEngineProps = {}): any[] {
  return platform([{ name: 'test', define }], environment, engine).render().manifests.map((m) => m.object);
}

/** Asserts one finding line: `[path] RULE field: ... (got value)`, naming path, rule, field and value. */
function expectFinding(problems: string[], path: string, rule: string, field: string, value: unknown): void {
  const prefix = `[${path}] ${rule} ${field}: `;
  const got = `(got ${value === undefined ? 'nothing' : JSON.stringify(value)})`;
  const match = problems.find((p) => p.startsWith(prefix) && p.includes(got) && p.includes('. Fix: '));
  if (!match) throw new Error(`no finding starting with ${JSON.stringify(prefix)} containing ${got} in:\n  ${problems.join('\n  ')}`);
}

function rulesOf(problems: string[]): string[] {
  return [...new Set(problems.map((p) => / (PLT\d{3}) /.exec(p)?.[1]).filter(Boolean) as string[])].sort();
}

function raw(chart: AppChart, id: string, object: ApiObjectProps & Record<string, any>): ApiObject {
  return new ApiObject(chart, id, object);
}

describe('the catalogue', () => {
  test('ids are unique, well-formed and documented', () => {
    const ids = PLATFORM_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of PLATFORM_RULES) {
      expect(r.id).toMatch(/^PLT\d{3}$/);
      expect(r.name).toMatch(/^[a-z0-9-]+$/);
      expect(r.rationale.length).toBeGreaterThan(20);
      expect(r.fix.length).toBeGreaterThan(10);
    }
  });

  test.each(['dev', 'stage', 'prod'] as const)('a well-formed stack passes every rule in %s', (env) => {
    expect(accepted((chart) => web(chart), env).length).toBeGreaterThan(0);
  });
});

describe('seeded mistakes fail the synth with the rule id', () => {
  test('PLT001 object names', () => {
    const problems = refused((chart) => raw(chart, 'bad', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' }, data: {} }));
    expectFinding(problems, 'dev/test/bad', 'PLT001', 'metadata.name', 'Bad_Name');
  });

  test('PLT001 Service names are DNS labels', () => {
    const problems = refused((chart) => raw(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a.b' }, spec: { ports: [{ port: 80 }] } }));
    expectFinding(problems, 'dev/test/svc', 'PLT001', 'metadata.name', 'a.b');
  });

  test('PLT001 Service names start with a letter', () => {
    const problems = refused((chart) => raw(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } }));
    expectFinding(problems, 'dev/test/svc', 'PLT001', 'metadata.name', '1web');
  });

  test('PLT002 label keys and values, also in pod templates', () => {
    const problems = refused((chart) => {
      const d = rawDeployment(chart, 'worker');
      d.addJsonPatch(JsonPatch.add('/spec/template/metadata/labels/bad key', 'x'));
      d.addJsonPatch(JsonPatch.add('/spec/template/metadata/labels/tier', 'not ok!'));
    });
    expectFinding(problems, 'dev/test/worker', 'PLT002', 'spec.template.metadata.labels.bad key', 'bad key');
    expectFinding(problems, 'dev/test/worker', 'PLT002', 'spec.template.metadata.labels.tier', 'not ok!');
  });

  test('PLT003 annotation keys', () => {
    const problems = refused((chart) => raw(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', annotations: { 'Example.com/x': 'y' } } }));
    expectFinding(problems, 'dev/test/cm', 'PLT003', 'metadata.annotations.Example.com/x', 'Example.com/x');
  });

  test('PLT003 annotations larger than the API server accepts', () => {
    const problems = refused((chart) => raw(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', annotations: { 'example.com/blob': 'x'.repeat(300_000) } } }));
    expectFinding(problems, 'dev/test/cm', 'PLT003', 'metadata.annotations', 300_016);
  });

  test('PLT004 duplicate objects across apps of one environment', () => {
    const cm = (chart: AppChart) => raw(chart, 'shared', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared' }, data: {} });
    const problems = refusalOf(platform([{ name: 'one', define: cm }, { name: 'two', define: cm }]));
    expectFinding(problems, 'dev/two/shared', 'PLT004', 'metadata.name', 'shared');
  });

  test('PLT010 a Service selecting no pod', () => {
    const problems = refused((chart) => {
      web(chart);
      raw(chart, 'orphan', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'orphan' }, spec: { selector: { app: 'nothing' }, ports: [{ port: 80 }] } });
    });
    expectFinding(problems, 'dev/test/orphan', 'PLT010', 'spec.selector', { app: 'nothing' });
    expect(rulesOf(problems)).toEqual(['PLT010']);
  });

  test('PLT011 Service target ports missing on the pods, by number and by name', () => {
    const problems = refused((chart) => {
      rawDeployment(chart, 'api');
      raw(chart, 'api-svc', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'api' },
        spec: { selector: { app: 'api' }, ports: [{ name: 'a', port: 80, targetPort: 9090 }, { name: 'b', port: 81, targetPort: 'grpc' }, { name: 'c', port: 82, targetPort: 'http' }] },
      });
    });
    expectFinding(problems, 'dev/test/api-svc', 'PLT011', 'spec.ports[0].targetPort', 9090);
    expectFinding(problems, 'dev/test/api-svc', 'PLT011', 'spec.ports[1].targetPort', 'grpc');
    expect(problems.filter((p) => p.includes('ports[2]'))).toEqual([]);
  });

  const ingress = (backend: any) => (chart: AppChart) => {
    web(chart);
    raw(chart, 'ing', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'ing' },
      spec: { rules: [{ host: 'web.dev.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: backend } }] } }] },
    });
  };

  test('PLT012 Ingress backend to a missing Service', () => {
    expectFinding(refused(ingress({ name: 'missing', port: { number: 80 } })), 'dev/test/ing', 'PLT012', 'spec.rules[0].http.paths[0].backend.service.name', 'missing');
  });

  test('PLT013 Ingress backend to a port the Service lacks, by number and name', () => {
    expectFinding(refused(ingress({ name: 'web', port: { number: 8080 } })), 'dev/test/ing', 'PLT013', 'spec.rules[0].http.paths[0].backend.service.port', 8080);
    expectFinding(refused(ingress({ name: 'web', port: { name: 'https' } })), 'dev/test/ing', 'PLT013', 'spec.rules[0].http.paths[0].backend.service.port', 'https');
    expect(accepted(ingress({ name: 'web', port: { number: 80 } })).length).toBe(3);
  });

  const hpa = (target: string, metrics: any[]) => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'hpa' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas: 1, maxReplicas: 3, metrics },
  });
  const cpu = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } };

  test('PLT020 HPA target missing', () => {
    expectFinding(refused((chart) => raw(chart, 'hpa', hpa('nothing', [cpu]))), 'dev/test/hpa', 'PLT020', 'spec.scaleTargetRef', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nothing' });
  });

  test('PLT021 HPA target that sets replicas', () => {
    const problems = refused((chart) => {
      web(chart);
      raw(chart, 'hpa', hpa('web', [cpu]));
    });
    expectFinding(problems, 'dev/test/web/Resource', 'PLT021', 'spec.replicas', 1);
    expect(accepted((chart) => {
      web(chart).releaseReplicas();
      raw(chart, 'hpa', hpa('web', [cpu]));
    }).length).toBe(3);
  });

  test('PLT022 HPA utilization metric without requests', () => {
    const problems = refused((chart) => {
      rawDeployment(chart, 'api', {}, { resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '64Mi' } } });
      rawDeployment(chart, 'worker', {}, { name: 'main', resources: { requests: { memory: '64Mi' }, limits: { memory: '64Mi' } } });
      raw(chart, 'hpa', hpa('worker', [cpu]));
    });
    expectFinding(problems, 'dev/test/hpa', 'PLT022', 'spec.metrics[0]', 'cpu');
    expect(problems.find((p) => p.includes('PLT022'))).toContain('container main of Deployment dev/worker has no cpu request');
  });

  const statefulSet = (serviceName: string) => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: { serviceName, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: {} } },
  });

  test('PLT023 StatefulSet serviceName missing, not headless, or not selecting its pods', () => {
    const withService = (clusterIP: string | undefined, selector: any) => (chart: AppChart) => {
      const set = raw(chart, 'db', statefulSet('db'));
      set.addJsonPatch(JsonPatch.replace('/spec/template/spec', rawDeployment(chart, 'spec-source').toJson().spec.template.spec));
      raw(chart, 'db-svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP, selector, ports: [{ port: 8080, name: 'http' }] } });
    };
    const missing = refused((chart) => {
      raw(chart, 'db', statefulSet('nothing')).addJsonPatch(JsonPatch.replace('/spec/template/spec', rawDeployment(chart, 'spec-source').toJson().spec.template.spec));
    });
    expectFinding(missing, 'dev/test/db', 'PLT023', 'spec.serviceName', 'nothing');
    expect(refused(withService(undefined, { app: 'db' })).find((p) => p.includes('PLT023'))).toContain('which is not headless');
    expect(refused(withService('None', { app: 'spec-source' })).find((p) => p.includes('PLT023'))).toContain('does not match the StatefulSet pods');
    expect(accepted(withService('None', { app: 'db' })).length).toBe(3);
  });

  test('PLT030 PodDisruptionBudget selecting no pod', () => {
    const problems = refused((chart) => {
      web(chart);
      raw(chart, 'pdb', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pdb' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'gone' } } } });
    });
    expectFinding(problems, 'dev/test/pdb', 'PLT030', 'spec.selector', { matchLabels: { app: 'gone' } });
  });

  test('PLT031 NetworkPolicy pod and peer selectors selecting no pod', () => {
    const problems = refused((chart) => {
      web(chart);
      raw(chart, 'np', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'np' },
        spec: {
          podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['gone'] }] },
          ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }, { namespaceSelector: {}, podSelector: { matchLabels: { role: 'elsewhere' } } }] }],
        },
      });
    });
    expectFinding(problems, 'dev/test/np', 'PLT031', 'spec.podSelector', { matchExpressions: [{ key: 'app', operator: 'In', values: ['gone'] }] });
    expectFinding(problems, 'dev/test/np', 'PLT031', 'spec.ingress[0].from[0].podSelector', { matchLabels: { role: 'client' } });
    expect(problems.filter((p) => p.includes('from[1]'))).toEqual([]);
  });

  test('PLT032 anti-affinity and topology spread selecting no pod', () => {
    const problems = refused((chart) => {
      const d = web(chart);
      d.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/affinity', {
        podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] },
      }));
      d.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: d.selector } },
      ]));
    });
    expectFinding(problems, 'dev/test/web/Resource', 'PLT032', 'spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector', { matchLabels: { app: 'web' } });
    expect(problems.filter((p) => p.includes('topologySpreadConstraints'))).toEqual([]);
  });

  test('PLT040 / PLT041 Secret and ConfigMap references that resolve nowhere', () => {
    const problems = refused((chart) => {
      rawDeployment(chart, 'api', {
        volumes: [{ name: 'cfg', configMap: { name: 'api-files' } }, { name: 'tls', projected: { sources: [{ secret: { name: 'api-tls' } }] } }],
      }, {
        env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } } }],
        envFrom: [{ configMapRef: { name: 'api-env' } }],
      });
    });
    expectFinding(problems, 'dev/test/api', 'PLT040', 'spec.template.spec.containers[0].env[0].valueFrom', 'db-creds');
    expectFinding(problems, 'dev/test/api', 'PLT040', 'spec.template.spec.volumes[1].projected.sources[0].secret.name', 'api-tls');
    expectFinding(problems, 'dev/test/api', 'PLT041', 'spec.template.spec.containers[0].envFrom[0]', 'api-env');
    expectFinding(problems, 'dev/test/api', 'PLT041', 'spec.template.spec.volumes[0].configMap.name', 'api-files');
  });

  test('PLT040 resolves rendered, optional and declared-external Secrets', () => {
    const reading = (annotations?: Record<string, string>) => (chart: AppChart) => {
      const d = rawDeployment(chart, 'api', {}, {
        env: [
          { name: 'A', valueFrom: { secretKeyRef: { name: 'rendered', key: 'a' } } },
          { name: 'B', valueFrom: { secretKeyRef: { name: 'maybe', key: 'b', optional: true } } },
          { name: 'C', valueFrom: { secretKeyRef: { name: 'vault-made', key: 'c' } } },
        ],
      });
      for (const [k, v] of Object.entries(annotations ?? {})) d.metadata.addAnnotation(k, v);
      raw(chart, 'rendered', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'rendered', annotations: { 'k8s-constructs.io/waive.PLT090': 'test value, not a credential' } }, stringData: { a: 'x' } });
    };
    expectFinding(refused(reading()), 'dev/test/api', 'PLT040', 'spec.template.spec.containers[0].env[2].valueFrom', 'vault-made');
    expect(accepted(reading({ 'k8s-constructs.io/external-secrets': 'other, vault-made' })).length).toBe(2);
    expect(accepted(reading(), 'dev', { external: { secrets: ['vault-made'] } }).length).toBe(2);
  });

  test('PLT040 resolves Secrets an ExternalSecret creates', () => {
    const reading = (target: string) => (chart: AppChart) => {
      rawDeployment(chart, 'api', {}, { env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'db', key: 'a' } } }] });
      raw(chart, 'es', { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'es' }, spec: { target: { name: target } } });
    };
    expect(accepted(reading('db')).length).toBe(2);
    expectFinding(refused(reading('other')), 'dev/test/api', 'PLT040', 'spec.template.spec.containers[0].env[0].valueFrom', 'db');
  });

  test('PLT040 resolves within the namespace only', () => {
    const other = Environment.dev({ name: 'dev', baseDomain: 'dev.example.com' });
    const problems = refused((chart) => {
      rawDeployment(chart, 'api', {}, { env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'a' } } }] });
      raw(chart, 's', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'elsewhere' }, stringData: { a: 'x' } });
    }, other);
    expect(problems.find((p) => p.includes('PLT040'))).toContain('is not a Secret in namespace "dev"');
  });

  test('PLT042 ServiceAccount of a pod and of a binding subject', () => {
    const problems = refused((chart) => {
      rawDeployment(chart, 'api', { serviceAccountName: 'robot' });
      raw(chart, 'rb', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'rb' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'ServiceAccount', name: 'ghost' }, { kind: 'ServiceAccount', name: 'default' }],
      });
    });
    expectFinding(problems, 'dev/test/api', 'PLT042', 'spec.template.spec.serviceAccountName', 'robot');
    expectFinding(problems, 'dev/test/rb', 'PLT042', 'subjects[0].name', 'ghost');
    expect(rulesOf(problems)).toEqual(['PLT042']);
  });

  test('PLT043 RoleBinding to a missing Role; default ClusterRoles and declared roles resolve', () => {
    const binding = (kind: string, name: string, annotations: Record<string, string> = {}) => (chart: AppChart) => raw(chart, 'rb', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'rb', annotations },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name },
      subjects: [{ kind: 'Group', name: 'team', apiGroup: 'rbac.authorization.k8s.io' }],
    });
    expectFinding(refused(binding('Role', 'pod-reader')), 'dev/test/rb', 'PLT043', 'roleRef.name', 'pod-reader');
    expectFinding(refused(binding('ClusterRole', 'custom')), 'dev/test/rb', 'PLT043', 'roleRef.name', 'custom');
    expect(accepted(binding('ClusterRole', 'edit')).length).toBe(1);
    expect(accepted(binding('Role', 'pod-reader', { 'k8s-constructs.io/external-roles': 'pod-reader' })).length).toBe(1);
  });

  test('PLT050 Pod Security Standards at the environment\'s level', () => {
    const hostile = (chart: AppChart) => rawDeployment(chart, 'agent', { hostNetwork: true }, { securityContext: { privileged: true, allowPrivilegeEscalation: true, runAsNonRoot: true, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } } });
    const problems = refused(hostile);
    expectFinding(problems, 'dev/test/agent', 'PLT050', 'spec.template.spec.hostNetwork', true);
    expectFinding(problems, 'dev/test/agent', 'PLT050', 'spec.template.spec.containers[0].securityContext.privileged', true);
    expectFinding(problems, 'dev/test/agent', 'PLT050', 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation', true);
    expectFinding(problems, 'dev/test/agent', 'PLT050', 'spec.template.spec.containers[0].securityContext.capabilities.add', 'SYS_ADMIN');
    const privileged = Environment.dev({ baseDomain: 'dev.example.com', podSecurity: PodSecurityLevel.PRIVILEGED });
    expect(accepted(hostile, privileged).length).toBe(1);
  });

  test('PLT050 follows the level a rendered Namespace enforces', () => {
    const baselineOnly = (chart: AppChart) => {
      raw(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } });
      rawDeployment(chart, 'legacy', { securityContext: {} }, { securityContext: {} });
    };
    expect(accepted(baselineOnly).length).toBe(2);
    const restricted = refused((chart) => rawDeployment(chart, 'legacy', { securityContext: {} }, { securityContext: {} }));
    expectFinding(restricted, 'dev/test/legacy', 'PLT050', 'spec.template.spec.containers[0].securityContext.runAsNonRoot', undefined);
  });

  test('PLT060 image policy: untagged, latest, and mutable in prod', () => {
    expectFinding(refused((chart) => rawDeployment(chart, 'a', {}, { image: 'nginx' })), 'dev/test/a', 'PLT060', 'spec.template.spec.containers[0].image', 'nginx');
    expectFinding(refused((chart) => rawDeployment(chart, 'a', {}, { image: 'nginx:latest' })), 'dev/test/a', 'PLT060', 'spec.template.spec.containers[0].image', 'nginx:latest');
    expectFinding(refused((chart) => rawDeployment(chart, 'a', {}, { image: 'nginx:1.25' }), 'prod'), 'prod/test/a', 'PLT060', 'spec.template.spec.containers[0].image', 'nginx:1.25');
    expect(accepted((chart) => rawDeployment(chart, 'a', {}, { image: 'nginx:1.25' })).length).toBe(1);
  });

  test('PLT070 readiness probe on serving containers of long-running workloads', () => {
    expectFinding(refused((chart) => rawDeployment(chart, 'a', {}, { readinessProbe: undefined })), 'dev/test/a', 'PLT070', 'spec.template.spec.containers[0].readinessProbe', undefined);
    expect(accepted((chart) => rawDeployment(chart, 'a', {}, { readinessProbe: undefined, ports: undefined })).length).toBe(1);
    const exporter = { name: 'exporter', image: IMAGE, ports: [{ containerPort: 9100, name: 'metrics' }], resources: goodPodSpec().containers[0].resources, securityContext: goodPodSpec().containers[0].securityContext };
    expect(accepted((chart) => rawDeployment(chart, 'a', { containers: [goodPodSpec().containers[0], exporter] })).length).toBe(1);
  });

  test('PLT071 requests and memory limit on every container', () => {
    const problems = refused((chart) => rawDeployment(chart, 'a', {}, { resources: { requests: { cpu: '1' } } }));
    expectFinding(problems, 'dev/test/a', 'PLT071', 'spec.template.spec.containers[0].resources', { requests: { cpu: '1' } });
    expect(problems.find((p) => p.includes('PLT071'))).toContain('lack requests.memory, limits.memory');
  });

  test('warnings (here of a custom rule) print but do not fail', () => {
    const readiness = PLATFORM_RULES.find((r) => r.id === 'PLT070')!;
    const advisory = Rule.of({ ...readiness, id: 'PLT900', severity: Severity.WARNING, check: (c) => readiness.check(c) });
    const rules = [...PLATFORM_RULES.filter((r) => r !== readiness), advisory];
    const rendering = platform([{
      name: 'test',
      define: (chart) => {
        rawDeployment(chart, 'a', {}, { readinessProbe: undefined });
        Waiver.add(rawDeployment(chart, 'b', {}, { readinessProbe: undefined }), 'PLT900', 'custom rules can be waived too');
      },
    }], 'dev', { rules }).render();
    expect(rendering.warnings).toEqual([expect.stringMatching(/^\[dev\/test\/a\] PLT900 spec\.template\.spec\.containers\[0\]\.readinessProbe: /)]);
  });

  test('every finding of all environments is listed at once', () => {
    const stack: StackDefinition = { name: 'test', define: (chart) => rawDeployment(chart, 'a', {}, { image: 'nginx', resources: {} }) };
    const problems = refusalOf(new Platform({ environments: [ENV.dev, ENV.prod], stacks: [stack], checks: [new PolicyEngine()] }));
    expect(rulesOf(problems)).toEqual(['PLT060', 'PLT071']);
    expect(problems.filter((p) => p.startsWith('[dev/')).length).toBe(2);
    expect(problems.filter((p) => p.startsWith('[prod/')).length).toBe(2);
  });
});

describe('waivers', () => {
  // `rule` is a plain string so the tests can pass malformed ids, as JavaScript callers can.
  const waived = (reason: string, rule = 'PLT070') => (chart: AppChart) => {
    const d = rawDeployment(chart, 'metrics-only', {}, { readinessProbe: undefined });
    Waiver.add(d, rule as RuleId, reason);
  };

  test('a waiver skips one rule for one object and shows in the YAML', () => {
    const objects = accepted(waived('serves only /metrics to Prometheus; accepted by platform team 2026-11'));
    expect(objects[0].metadata.annotations).toEqual({ 'k8s-constructs.io/waive.PLT070': 'serves only /metrics to Prometheus; accepted by platform team 2026-11' });
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('a waiver covers only its rule and its object', () => {
    const problems = refused((chart) => {
      const d = rawDeployment(chart, 'a', {}, { readinessProbe: undefined, image: 'nginx' });
      Waiver.add(d, 'PLT070', 'reviewed');
      rawDeployment(chart, 'b', {}, { readinessProbe: undefined });
    });
    expect(problems.map((p) => p.split(' ').slice(0, 2).join(' '))).toEqual(['[dev/test/a] PLT060', '[dev/test/b] PLT070']);
  });

  test('Waiver.add on a construct waives its apiObject', () => {
    const objects = accepted((chart) => {
      const d = web(chart);
      d.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/image', 'nginx'));
      Waiver.add(d, 'PLT060', 'upstream image, pinned by the mirror');
    });
    expect(objects.find((o) => o.kind === 'Deployment').metadata.annotations['k8s-constructs.io/waive.PLT060']).toBe('upstream image, pinned by the mirror');
  });

  test('a waiver without a reason, or for an unknown rule, is refused', () => {
    const empty = refused(waived('  '));
    expect(empty).toContainEqual(expect.stringMatching(/^\[dev\/test\/metrics-only\] waiver\.PLT070\.reason: a waiver needs a reason \(got "  "\)\. Fix: /));
    const malformed = refused(waived('why', 'readiness'));
    expect(malformed).toEqual([expect.stringMatching(/^\[dev\/test\/metrics-only\] waiver\.rule: is not a rule id \(got "readiness"\)\. Fix: /)]);
    expectFinding(refused(waived('why', 'PLT999')), 'dev/test/metrics-only', 'PLT000', 'metadata.annotations.k8s-constructs.io/waive.PLT999', 'PLT999');
  });

  test('PLT000 a waiver annotation written by hand without a reason or for an unknown rule', () => {
    const problems = refused((chart) => {
      const d = rawDeployment(chart, 'a', {}, { readinessProbe: undefined });
      d.metadata.addAnnotation('k8s-constructs.io/waive.PLT070', '');
      d.metadata.addAnnotation('k8s-constructs.io/waive.PLT998', 'because');
    });
    expectFinding(problems, 'dev/test/a', 'PLT000', 'metadata.annotations.k8s-constructs.io/waive.PLT070', '');
    expectFinding(problems, 'dev/test/a', 'PLT000', 'metadata.annotations.k8s-constructs.io/waive.PLT998', 'PLT998');
    expectFinding(problems, 'dev/test/a', 'PLT070', 'spec.template.spec.containers[0].readinessProbe', undefined);
  });
});

describe('library constructs', () => {
  test('a Secret declared with ExistingSecret resolves (it renders nothing: the cluster has it)', () => {
    const objects = accepted((chart) => {
      const redis = new ExistingSecret(chart, 'redis', { name: 'redis-password', keys: ['password'], createdBy: 'the redis operator' });
      web(chart).pod.primary.addEnv('REDIS_PASSWORD', redis.env('password'));
    });
    expect(objects.map((o) => o.kind)).toEqual(['Deployment', 'Service']);
  });

  test('EnvValue.fromSecret to a missing Secret is caught at synth', () => {
    const problems = refused((chart) => {
      const d = web(chart);
      d.pod.primary.addEnv('DB_PASSWORD', EnvValue.fromSecret('db-creds', 'password'));
    });
    expectFinding(problems, 'dev/test/web/Resource', 'PLT040', 'spec.template.spec.containers[0].env[0].valueFrom', 'db-creds');
  });
});

describe('wired into the shipped platform (npm run synth)', () => {
  test('the shipped platform runs the engine and its stacks synth with zero findings', () => {
    const shipped = createPlatform();
    expect(shipped.props.checks?.some((c) => c instanceof PolicyEngine)).toBe(true);
    expect(shipped.render().warnings.filter((w) => / PLT\d{3} /.test(w))).toEqual([]);
  });

  test('a seeded mistake fails the whole synth, listing every finding, and writes nothing', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-synth-'));
    try {
      const seeded: StackDefinition = {
        name: 'seeded',
        define: (chart) => {
          web(chart);
          raw(chart, 'orphan', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'orphan' }, spec: { selector: { app: 'nothing' }, ports: [{ port: 80 }] } });
        },
      };
      const platform = createPlatform({ stacks: [...stacks, seeded] });
      let error: unknown;
      try {
        platform.synth(out);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SynthError);
      const problems = (error as SynthError).problems;
      const envs = platform.props.environments.map((e) => e.name);
      expect(problems).toEqual(envs.map((env) => expect.stringMatching(new RegExp(`^\\[${env}/seeded/orphan\\] PLT010 spec\\.selector: matches no pod template .* Fix: `))));
      expect(fs.readdirSync(out)).toEqual([]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
