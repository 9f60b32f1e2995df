import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { parseAllDocuments } from 'yaml';
import { roundTripProblems } from './support/cdk8s-roundtrip';
import { assertStrictlyValid, strictProblems } from './support/strict-schema';

function deployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'dev', labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'web' } },
        spec: {
          containers: [{
            name: 'web',
            image: 'nginx:1.25.3',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: 8080, name: 'http' }],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
            readinessProbe: { httpGet: { path: '/', port: 'http' } },
          }],
        },
      },
    },
  };
}

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
};

const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { journalEntries: '10' } };

/** A deployment with one change applied to its first container. */
function withContainer(change: (c: any) => void): any {
  const d = deployment();
  change(d.spec.template.spec.containers[0]);
  return d;
}

describe('strict Kubernetes 1.27 schema', () => {
  test('valid Deployment, Service and ConfigMap pass', () => {
    expect(strictProblems(deployment())).toEqual([]);
    expect(strictProblems(service)).toEqual([]);
    expect(strictProblems(configMap)).toEqual([]);
    expect(() => assertStrictlyValid([deployment(), service, configMap])).not.toThrow();
  });

  test('an unknown top-level field is rejected', () => {
    expect(strictProblems({ ...configMap, dta: { a: 'b' } })).toEqual([
      expect.stringMatching(/^ConfigMap\/web-config dta: unknown field/),
    ]);
  });

  test('an unknown nested field is rejected with its full path', () => {
    const problems = strictProblems(withContainer((c) => { c.imagePullPolcy = 'Always'; }));
    expect(problems).toEqual([expect.stringMatching(/^Deployment\/web spec\.template\.spec\.containers\[0\]\.imagePullPolcy: unknown field/)]);
  });

  test('an unknown field inside metadata is rejected', () => {
    const d = deployment();
    d.metadata.label = { a: 'b' };
    expect(strictProblems(d)).toEqual([expect.stringMatching(/^Deployment\/web metadata\.label: unknown field/)]);
  });

  test('a wrong type is rejected', () => {
    const problems = strictProblems(withContainer((c) => { c.ports[0].containerPort = '8080'; }));
    expect(problems).toEqual(['Deployment/web spec.template.spec.containers[0].ports[0].containerPort: must be integer (got "8080")']);
  });

  test('a non-string label value is rejected', () => {
    const d = deployment();
    d.metadata.labels.replicas = 3;
    expect(strictProblems(d)).toEqual(['Deployment/web metadata.labels.replicas: must be string (got 3)']);
  });

  test('a bad enum is rejected', () => {
    const problems = strictProblems(withContainer((c) => { c.imagePullPolicy = 'Sometimes'; }));
    expect(problems).toEqual([
      'Deployment/web spec.template.spec.containers[0].imagePullPolicy: must be one of "Always", "IfNotPresent", "Never" (got "Sometimes")',
    ]);
  });

  test('a bad quantity is rejected', () => {
    const problems = strictProblems(withContainer((c) => { c.resources.limits.memory = '128 MB'; }));
    expect(problems).toEqual([
      'Deployment/web spec.template.spec.containers[0].resources.limits.memory: must be a quantity such as "500m" or "1Gi" (got "128 MB")',
    ]);
  });

  test('an int-or-string of the wrong type is rejected', () => {
    const s = { ...service, spec: { ...service.spec, ports: [{ port: 80, targetPort: true }] } };
    expect(strictProblems(s)).toEqual(['Service/web spec.ports[0].targetPort: must be string or integer (got true)']);
  });

  test('a missing required field is rejected', () => {
    const problems = strictProblems(withContainer((c) => { delete c.name; }));
    expect(problems).toEqual(['Deployment/web spec.template.spec.containers[0].name: is required (got nothing)']);
  });

  test('a missing metadata.name is rejected', () => {
    expect(strictProblems({ ...configMap, metadata: {} })).toEqual(['ConfigMap/<no name> metadata.name: is required (got nothing)']);
  });

  test('an unknown kind or apiVersion is rejected', () => {
    expect(strictProblems({ ...service, kind: 'Servce' })).toEqual([expect.stringMatching(/^Servce\/web kind: v1 Servce is not a Kubernetes 1.27 kind/)]);
    expect(strictProblems({ ...deployment(), apiVersion: 'extensions/v1beta1' })).toEqual([
      expect.stringMatching(/kind: extensions\/v1beta1 Deployment is not a Kubernetes 1.27 kind/),
    ]);
    // A sub-type is not a kind of its own.
    expect(strictProblems({ apiVersion: 'v1', kind: 'PodSpec', metadata: { name: 'x' } })).toHaveLength(1);
  });

  test('group-prefixed kinds and autoscaling/v2 are known', () => {
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    };
    expect(strictProblems(hpa)).toEqual([]);
    const { maxReplicas: _max, ...typo } = hpa.spec;
    expect(strictProblems({ ...hpa, spec: { ...typo, maxReplica: 5 } })).toEqual([
      expect.stringMatching(/spec\.maxReplica: unknown field/),
      expect.stringMatching(/spec\.maxReplicas: is required/),
    ]);
    const event = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e' }, eventTime: '2024-01-01T00:00:00.000000Z', note: 'n' };
    expect(strictProblems(event)).toEqual([]);
  });

  test('assertStrictlyValid lists every problem of every object', () => {
    const bad = withContainer((c) => { c.imagePullPolcy = 'Always'; c.resources.limits.cpu = 'lots'; });
    expect(() => assertStrictlyValid([bad, { ...configMap, dta: {} }])).toThrow(
      /3 strict schema problem\(s\) in 2 object\(s\)[\s\S]*Deployment\/web .*imagePullPolcy[\s\S]*Deployment\/web .*cpu[\s\S]*ConfigMap\/web-config dta/,
    );
  });

  describe('declared CRDs', () => {
    const application = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'journal-dev', namespace: 'argocd' },
      spec: { project: 'default', source: { repoURL: 'https://example.com/repo.git', path: 'dist/dev/journal' } },
    };

    test('are accepted', () => {
      expect(strictProblems(application)).toEqual([]);
    });

    test('have their metadata checked strictly', () => {
      expect(strictProblems({ ...application, metadata: { name: 'a', labls: {} } })).toEqual([
        expect.stringMatching(/^Application\/a metadata\.labls: unknown field/),
      ]);
      expect(strictProblems({ ...application, metadata: { name: 'a', labels: { x: 1 } } })).toEqual([
        'Application/a metadata.labels.x: must be string (got 1)',
      ]);
    });

    test('reject unknown top-level fields and a missing spec', () => {
      expect(strictProblems({ ...application, sepc: {} })).toEqual(['Application/journal-dev sepc: unknown field']);
      const { spec: _spec, ...noSpec } = application;
      expect(strictProblems(noSpec)).toEqual(['Application/journal-dev spec: is required (got nothing)']);
    });

    test('undeclared CRD kinds are rejected', () => {
      expect(strictProblems({ ...application, kind: 'ApplicationSet' })).toEqual([
        expect.stringMatching(/argoproj.io\/v1alpha1 ApplicationSet is not a Kubernetes 1.27 kind nor a declared CRD/),
      ]);
    });
  });

  describe('audit.k8s.io/v1 Policy', () => {
    const policy = {
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      metadata: { name: 'audit-policy' },
      omitStages: ['RequestReceived'],
      rules: [
        { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'], resources: [{ group: '', resources: ['endpoints', 'services'] }] },
        { level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps'] }], omitManagedFields: true },
        { level: 'None', nonResourceURLs: ['/healthz*', '/version'] },
        { level: 'RequestResponse' },
      ],
    };

    test('a valid policy passes', () => {
      expect(strictProblems(policy)).toEqual([]);
    });

    test('bad level, bad stage, unknown fields and missing level are rejected', () => {
      const bad = {
        ...policy,
        omitStages: ['ResponseSent'],
        rules: [
          { level: 'Everything' },
          { level: 'None', resources: [{ group: '', resource: ['pods'] }] },
          { users: ['alice'] },
          { level: 'Metadata', user: ['bob'] },
        ],
      };
      expect(strictProblems(bad)).toEqual([
        'Policy/audit-policy omitStages[0]: must be one of "RequestReceived", "ResponseStarted", "ResponseComplete", "Panic" (got "ResponseSent")',
        'Policy/audit-policy rules[0].level: must be one of "None", "Metadata", "Request", "RequestResponse" (got "Everything")',
        'Policy/audit-policy rules[1].resources[0].resource: unknown field',
        'Policy/audit-policy rules[2].level: is required (got nothing)',
        'Policy/audit-policy rules[3].user: unknown field',
      ]);
    });

    test('a policy without rules, and a rule mixing URLs and resources, are rejected', () => {
      expect(strictProblems({ ...policy, rules: [] })).toEqual([expect.stringMatching(/^Policy\/audit-policy rules: must NOT have fewer than 1 items/)]);
      expect(strictProblems({ ...policy, rules: [{ level: 'None', nonResourceURLs: ['/healthz'], namespaces: ['dev'] }] })).toEqual([
        'Policy/audit-policy rules[0]: a rule with nonResourceURLs cannot also match resources or namespaces',
      ]);
    });
  });
});

describe('second opinion: cdk8s-plus-27 k8s round trip', () => {
  test('valid objects survive the round trip unchanged', () => {
    expect(roundTripProblems(deployment())).toEqual([]);
    expect(roundTripProblems({ ...service, spec: { ...service.spec, clusterIP: 'None' } })).toEqual([]);
    expect(roundTripProblems(configMap)).toEqual([]);
  });

  test('unknown fields at the top level and nested are reported', () => {
    expect(roundTripProblems({ ...configMap, dta: { a: 'b' } })).toEqual([
      'ConfigMap/web-config dta: dropped (not a Kubernetes 1.27 field) (k8s.KubeConfigMap)',
    ]);
    expect(roundTripProblems(withContainer((c) => { c.imagePullPolcy = 'Always'; }))).toEqual([
      'Deployment/web spec.template.spec.containers[0].imagePullPolcy: dropped (not a Kubernetes 1.27 field) (k8s.KubeDeployment)',
    ]);
  });

  test('a field spelled with the wrong case is reported', () => {
    const d = withContainer((c) => { c.imagepullpolicy = c.imagePullPolicy; delete c.imagePullPolicy; });
    expect(roundTripProblems(d)).toEqual([
      expect.stringMatching(/containers\[0\]\.imagepullpolicy: dropped/),
      expect.stringMatching(/containers\[0\]\.imagePullPolicy: added "IfNotPresent"/),
    ]);
  });

  test('kinds without a generated class are reported', () => {
    expect(roundTripProblems({ ...service, kind: 'Servce' })).toEqual(['Servce/web: v1 Servce has no cdk8s-plus-27 k8s class nor an imports/ class']);
  });

  test('CRD kinds are read back through their imports/ class', () => {
    const application = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'journal-dev', namespace: 'argocd' },
      spec: {
        project: 'dev',
        destination: { server: 'https://kubernetes.default.svc', namespace: 'dev' },
        source: { repoURL: 'https://example.com/repo.git', path: 'dist/dev/journal', targetRevision: 'main' },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    };
    expect(roundTripProblems(application)).toEqual([]);
    const typo = { ...application, spec: { ...application.spec, syncPolicy: { automated: { prune: true, selfHealing: true } } } };
    expect(roundTripProblems(typo)).toEqual([
      expect.stringMatching(/^Application\/journal-dev spec\.syncPolicy\.automated\.selfHealing: dropped .*\(imports\/argocd-argoproj\.io\.ts Application\)$/),
    ]);
  });
});

describe('stored snapshots', () => {
  /** Every Kubernetes object kept in a `test/__snapshots__/*.snap` file, with where it is. */
  function snapshotObjects(): { where: string; object: any }[] {
    const dir = path.join(__dirname, '__snapshots__');
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.snap')).sort() : [];
    return files.flatMap((file) => {
      const snapshots: Record<string, string> = {};
      vm.runInNewContext(fs.readFileSync(path.join(dir, file), 'utf8'), { exports: snapshots });
      return Object.entries(snapshots).flatMap(([name, value]) => {
        // A string snapshot is kept as `"<text>"`; the harness keeps YAML documents that way.
        const text = /^\n?"([\s\S]*)"\n?$/.exec(value)?.[1];
        if (text === undefined) return [];
        return parseAllDocuments(text).flatMap((doc) => {
          const object = doc.errors.length ? undefined : doc.toJSON();
          return typeof object?.apiVersion === 'string' && typeof object?.kind === 'string' ? [{ where: `${file} › ${name}`, object }] : [];
        });
      });
    });
  }

  test('every Kubernetes object in a snapshot is strictly valid', () => {
    const objects = snapshotObjects();
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap(({ where, object }) => strictProblems(object).map((p) => `${where}: ${p}`))).toEqual([]);
  });
});
