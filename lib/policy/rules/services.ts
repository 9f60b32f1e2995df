import { describeSelector, list, PodRef, PolicyObject } from '../object-index';
import { servicePortProblems } from '../checks/service-ports';
import { describeObject, Rule, RuleContext, Severity, violation } from '../rule';

/** PLT010: a Service selector selects pods. */
export const serviceSelector = Rule.of({
  id: 'PLT010',
  name: 'service-selector-matches-pods',
  severity: Severity.ERROR,
  rationale: 'A Service whose selector matches no pod has no endpoints: every request to it fails.',
  fix: 'Select the stable labels of the workload (app.kubernetes.io/name and instance), in the same namespace.',
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
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: wbe }
  ports: [{ port: 80, targetPort: http }]`,
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
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: http }]`,
  },
  check: ({ index }) => index.ofKind('Service').flatMap((s) => {
    const selector = s.object.spec?.selector;
    if (!selector || Object.keys(selector).length === 0 || s.object.spec?.type === 'ExternalName') return [];
    return index.podsSelectedBy(s.namespace, { matchLabels: selector }).length ? [] : [violation(s, {
      field: 'spec.selector',
      value: selector,
      message: `matches no pod template in namespace "${s.namespace}"`,
      fix: `use the selector of the workload it fronts (${describeSelector({ matchLabels: selector })} selects nothing)`,
    })];
  }),
});

/** PLT011: every Service target port exists on the selected pods. */
export const serviceTargetPorts = Rule.of({
  id: 'PLT011',
  name: 'service-target-port-exists',
  severity: Severity.ERROR,
  rationale: 'Traffic to a target port no container declares is refused, and a named port that a pod lacks leaves it out of the endpoints.',
  fix: 'Point targetPort at a declared container port, by number or name.',
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
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: https }]`,
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
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: http }]`,
  },
  check: ({ index }) => index.ofKind('Service').flatMap((s) => {
    const selector = s.object.spec?.selector;
    if (!selector || Object.keys(selector).length === 0) return [];
    const pods = index.podsSelectedBy(s.namespace, { matchLabels: selector });
    return list(s.object.spec?.ports).flatMap((p: any, i: number) => {
      const target = p?.targetPort ?? p?.port;
      const lacking = pods.filter((pod) => !podDeclaresPort(pod, target));
      return lacking.length ? [violation(s, {
        field: `spec.ports[${i}].targetPort`,
        value: target,
        message: `is not a container port of ${lacking.map((pod) => describeObject(pod.owner)).join(', ')}`,
        fix: `use one of ${portsOf(lacking[0]).join(', ') || 'no ports declared: declare the port on the container'}`,
      })] : [];
    });
  }),
});

/** PLT012: Ingress backends are Services of the namespace. */
export const ingressBackendService = Rule.of({
  id: 'PLT012',
  name: 'ingress-backend-service-exists',
  severity: Severity.ERROR,
  rationale: 'An Ingress path to a missing Service answers 503 for that path.',
  fix: 'Point the backend at a Service rendered in the same namespace, or add that Service.',
  examples: {
    failing: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  rules:
    - http:
        paths: [{ path: /, pathType: Prefix, backend: { service: { name: wbe, port: { number: 80 } } } }]`,
    passing: `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: http }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  rules:
    - http:
        paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }]`,
  },
  check: (context) => ingressBackends(context).flatMap(({ ingress, field, backend, service }) => (service ? [] : [violation(ingress, {
    field: `${field}.service.name`,
    value: backend.service?.name,
    message: `is not a Service in namespace "${ingress.namespace}"`,
    fix: `use one of ${context.index.ofKind('Service', ingress.namespace).map((s) => s.object.metadata?.name).join(', ') || 'no Service rendered: add it'}`,
  })])),
});

/** PLT013: Ingress backend ports exist on the Service. */
export const ingressBackendPort = Rule.of({
  id: 'PLT013',
  name: 'ingress-backend-port-exists',
  severity: Severity.ERROR,
  rationale: 'An Ingress backend port that the Service does not have sends the path\'s traffic nowhere.',
  fix: 'Use a port number or port name the Service declares.',
  examples: {
    failing: `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: http }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  rules:
    - http:
        paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 8080 } } } }]`,
    passing: `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: http }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  rules:
    - http:
        paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }]`,
  },
  check: (context) => ingressBackends(context).flatMap(({ ingress, field, backend, service }) => {
    if (!service) return [];
    const port = backend.service?.port ?? {};
    const ports: any[] = service.object.spec?.ports ?? [];
    const ok = port.number !== undefined ? ports.some((p) => p.port === port.number) : ports.some((p) => p.name === port.name);
    return ok ? [] : [violation(ingress, {
      field: `${field}.service.port`,
      value: port.number ?? port.name,
      message: `is not a port of Service ${service.object.metadata?.name}`,
      fix: `use one of ${ports.map((p) => p.name ?? p.port).join(', ')}`,
    })];
  }),
});

function ingressBackends({ index }: RuleContext) {
  const result: { ingress: PolicyObject; field: string; backend: any; service?: PolicyObject }[] = [];
  for (const ingress of index.ofKind('Ingress')) {
    const spec = ingress.object.spec ?? {};
    const backends: [string, any][] = [];
    if (spec.defaultBackend) backends.push(['spec.defaultBackend', spec.defaultBackend]);
    list(spec.rules).forEach((r: any, i: number) => list(r?.http?.paths).forEach((p: any, j: number) => {
      backends.push([`spec.rules[${i}].http.paths[${j}].backend`, p?.backend]);
    }));
    for (const [field, backend] of backends) {
      if (!backend?.service) continue; // resource backends point at other kinds
      result.push({ ingress, field, backend, service: index.find('Service', ingress.namespace, backend.service.name) });
    }
  }
  return result;
}

/** Whether a main container of the pod declares a port, by number or name. */
export function podDeclaresPort(pod: PodRef, port: number | string): boolean {
  return list(pod.spec.containers).some((c: any) => list(c?.ports).some((p: any) => (typeof port === 'number' ? p?.containerPort === port : p?.name === port)));
}

function portsOf(pod: PodRef): string[] {
  return list(pod.spec.containers).flatMap((c: any) => list(c?.ports).map((p: any) => (p.name ? `${p.name} (${p.containerPort})` : String(p.containerPort))));
}

/** PLT014: a Service's ports are named and unique. */
export const servicePorts = Rule.of({
  id: 'PLT014',
  name: 'service-ports',
  severity: Severity.ERROR,
  rationale: 'The API server refuses a Service with several ports when one has no name, and one whose port names or port/protocol pairs repeat.',
  fix: 'Name every port of a multi-port Service (spec.ports[].name) and keep names and port numbers unique.',
  library: 'Service of the library refuses the same (the same code) and names a port after its named target port.',
  examples: {
    failing: 'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec:\n  selector: { app: web }\n  ports: [{ port: 80, targetPort: 8080 }, { port: 9090, targetPort: 9090 }]',
    passing: 'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec:\n  selector: { app: web }\n  ports: [{ name: http, port: 80, targetPort: 8080 }, { name: metrics, port: 9090, targetPort: 9090 }]',
  },
  check: ({ index }) => index.ofKind('Service').flatMap((s) => servicePortProblems(list(s.object.spec?.ports))
    .map((p) => violation(s, { ...p, field: `spec.${p.field}` }))),
});
