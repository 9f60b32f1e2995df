import { replicaRangeProblems } from '../checks/replicas';
import { list, matchesSelector, perIndex, PodRef, PolicyObject } from '../object-index';
import { describeObject, Rule, RuleContext, Severity, violation } from '../rule';

/** PLT020: an autoscaler's target exists. */
export const hpaTargetExists = Rule.of({
  id: 'PLT020',
  name: 'hpa-target-exists',
  severity: Severity.ERROR,
  rationale: 'An HorizontalPodAutoscaler whose target is missing scales nothing and reports errors forever.',
  fix: 'Point scaleTargetRef at a Deployment or StatefulSet rendered in the same namespace.',
  examples: {
    failing: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web, namespace: shop }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: wbe }
  minReplicas: 2
  maxReplicas: 6
`,
    passing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]

---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web, namespace: shop }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 2
  maxReplicas: 6
`,
  },
  check: (context) => autoscalers(context).flatMap(({ hpa, ref, target }) => (target ? [] : [violation(hpa, {
    field: 'spec.scaleTargetRef',
    value: ref,
    message: `is not an object in namespace "${hpa.namespace}"`,
    fix: `use one of ${context.index.objects.filter((o) => o.namespace === hpa.namespace && o.object.spec?.template).map((o) => `${o.object.kind}/${o.object.metadata?.name}`).join(', ') || 'no workload rendered'}`,
  })])),
});

/** PLT021: an autoscaled workload leaves replicas to the autoscaler. */
export const hpaTargetReplicas = Rule.of({
  id: 'PLT021',
  name: 'hpa-target-without-replicas',
  severity: Severity.ERROR,
  rationale: 'A target that sets spec.replicas is reset to that count on every apply, fighting the autoscaler.',
  fix: 'Leave spec.replicas out of the autoscaled Deployment or StatefulSet.',
  library: 'HorizontalPodAutoscaler releases the replica count of its target itself.',
  examples: {
    failing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]

---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web, namespace: shop }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 2
  maxReplicas: 6
`,
    passing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]

---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web, namespace: shop }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 2
  maxReplicas: 6
`,
  },
  check: (context) => autoscalers(context).flatMap(({ target }) => (target && target.object.spec?.replicas !== undefined ? [violation(target, {
    field: 'spec.replicas',
    value: target.object.spec.replicas,
    message: 'is set, but a HorizontalPodAutoscaler owns the replica count',
    fix: 'remove spec.replicas from the autoscaled workload',
  })] : [])),
});

/** PLT022: utilization metrics have the requests they are relative to. */
export const hpaRequests = Rule.of({
  id: 'PLT022',
  name: 'hpa-metrics-have-requests',
  severity: Severity.ERROR,
  rationale: 'Utilization is a percentage of the request: without requests the autoscaler cannot compute it and never scales.',
  fix: 'Give every container of the target requests for the resource the metric uses.',
  examples: {
    failing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]

---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web, namespace: shop }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 2
  maxReplicas: 6
  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } } }]`,
    passing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]
          resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { memory: 128Mi } }

---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web, namespace: shop }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 2
  maxReplicas: 6
  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } } }]`,
  },
  check: (context) => autoscalers(context).flatMap(({ hpa, target }) => {
    const pod = target && context.index.podsOf(target)[0];
    if (!pod) return [];
    const spec = hpa.object.spec ?? {};
    const needs: { resource: string; container?: string; field: string }[] = [];
    if (spec.targetCPUUtilizationPercentage !== undefined) needs.push({ resource: 'cpu', field: 'spec.targetCPUUtilizationPercentage' });
    list(spec.metrics).forEach((m: any, i: number) => {
      const source = m?.type === 'Resource' ? m.resource : m?.type === 'ContainerResource' ? m.containerResource : undefined;
      if (source?.target?.type === 'Utilization') needs.push({ resource: source.name, container: source.container, field: `spec.metrics[${i}]` });
    });
    return needs.flatMap((need) => containersWithout(pod, need.resource, need.container).map((name) => violation(hpa, {
      field: need.field,
      value: need.resource,
      message: `is a utilization metric, but container ${name} of ${describeObject(target!)} has no ${need.resource} request`,
      fix: `set resources.requests.${need.resource} on container ${name}, or use an AverageValue target`,
    })));
  }),
});

/** PLT023: a StatefulSet's serviceName is a headless Service selecting its pods. */
export const statefulSetService = Rule.of({
  id: 'PLT023',
  name: 'statefulset-headless-service',
  severity: Severity.ERROR,
  rationale: 'StatefulSet pods get their stable DNS names (pod-0.service) only from a headless Service that selects them.',
  fix: 'Render a Service with clusterIP: None whose selector matches the StatefulSet pods, and name it in spec.serviceName.',
  examples: {
    failing: `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec:
  serviceName: db
  selector: { matchLabels: { app: db } }
  template: { metadata: { labels: { app: db } }, spec: { containers: [{ name: db, image: "postgres:16.1" }] } }`,
    passing: `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec:
  serviceName: db
  selector: { matchLabels: { app: db } }
  template: { metadata: { labels: { app: db } }, spec: { containers: [{ name: db, image: "postgres:16.1" }] } }
---
apiVersion: v1
kind: Service
metadata: { name: db, namespace: shop }
spec: { clusterIP: None, selector: { app: db }, ports: [{ port: 5432 }] }`,
  },
  check: ({ index }) => index.ofKind('StatefulSet').flatMap((set) => {
    const name = set.object.spec?.serviceName;
    const service = typeof name === 'string' ? index.find('Service', set.namespace, name) : undefined;
    const labels = set.object.spec?.template?.metadata?.labels ?? {};
    const problem = !service ? { message: `is not a Service in namespace "${set.namespace}"`, fix: 'add a headless Service with this name' }
      : service.object.spec?.clusterIP !== 'None' ? { message: `names ${describeObject(service)}, which is not headless`, fix: 'set clusterIP: None on that Service (headless: true)' }
        : !service.object.spec?.selector || !matchesSelector({ matchLabels: service.object.spec.selector }, labels)
          ? { message: `names ${describeObject(service)}, whose selector does not match the StatefulSet pods`, fix: 'select the StatefulSet\'s pod labels in the Service' }
          : undefined;
    return problem ? [violation(set, { field: 'spec.serviceName', value: name, ...problem })] : [];
  }),
});

interface Autoscaler { readonly hpa: PolicyObject; readonly ref: any; readonly target?: PolicyObject }

/** The autoscalers of each environment with their targets, looked up once for PLT020, PLT021 and PLT022. */
const resolved = perIndex((index): Autoscaler[] => index.ofKind('HorizontalPodAutoscaler').map((hpa) => {
  const ref = hpa.object.spec?.scaleTargetRef ?? {};
  return { hpa, ref, target: index.find(ref.kind, hpa.namespace, ref.name) };
}));

function autoscalers({ index }: RuleContext): Autoscaler[] {
  return resolved(index);
}

function containersWithout(pod: PodRef, resource: string, only?: string): string[] {
  return (pod.spec.containers ?? [])
    .filter((c: any) => (only === undefined || c?.name === only) && c?.resources?.requests?.[resource] === undefined)
    .map((c: any) => c?.name);
}

/** PLT024: an autoscaler's replica range is valid. */
export const hpaReplicaRange = Rule.of({
  id: 'PLT024',
  name: 'hpa-replica-range',
  severity: Severity.ERROR,
  rationale: 'The API server refuses minReplicas above maxReplicas; minReplicas 0 needs an alpha feature gate.',
  fix: 'Set spec.minReplicas (at least 1) to at most spec.maxReplicas.',
  library: 'HorizontalPodAutoscaler refuses the same at synth (the same code).',
  examples: {
    failing: 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: web, namespace: shop }\nspec:\n  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }\n  minReplicas: 5\n  maxReplicas: 3',
    passing: 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: web, namespace: shop }\nspec:\n  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }\n  minReplicas: 2\n  maxReplicas: 3',
  },
  check: ({ index }) => index.ofKind('HorizontalPodAutoscaler').flatMap((hpa) => replicaRangeProblems(hpa.object.spec?.minReplicas, hpa.object.spec?.maxReplicas, 'spec.')
    .map((p) => violation(hpa, p))),
});
