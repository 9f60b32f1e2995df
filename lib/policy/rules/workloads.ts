import { CronSchedule } from '../../workloads/cron-schedule';
import { probePortProblem, probeSettingsProblems } from '../checks/probe-port';
import { jobRestartProblems, rollingUpdateProblems } from '../checks/workload-settings';
import { Image } from '../../workloads/image';
import { list, LONG_RUNNING_KINDS, PodRef } from '../object-index';
import { podSecurityProblems } from '../pod-security';
import { Rule, Severity, violation, Violation } from '../rule';

/** PLT050: pods meet the Pod Security Standards level their namespace enforces. */
export const podSecurity = Rule.of({
  id: 'PLT050',
  name: 'pod-security-standards',
  severity: Severity.ERROR,
  rationale: 'The namespace\'s Pod Security admission refuses pods above its level; the Deployment then shows no pods and no error.',
  fix: 'Set the pod securityContext (runAsNonRoot: true, seccompProfile.type: RuntimeDefault) and each container\'s (allowPrivilegeEscalation: false, capabilities.drop: [ALL]); no privileged containers, host namespaces, host paths or host ports. Ask for a baseline namespace only for what restricted cannot run.',
  library: 'Containers of the library render the restricted security context by default.',
  examples: {
    failing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]
          securityContext: { privileged: true }
`,
    passing: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: web
          image: "registry.example.com/web:3f2a9c1"
          ports: [{ name: http, containerPort: 8080 }]
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
`,
  },
  check: ({ index, podSecurity: level }) => {
    // Looked up once per namespace rather than once per pod.
    const levels = new Map<string, string>();
    const levelOf = (namespace: string) => {
      let l = levels.get(namespace);
      if (l === undefined) levels.set(namespace, l = index.enforcedLevel(namespace) ?? level);
      return l;
    };
    return index.pods.flatMap((pod) => podSecurityProblems(pod.spec, levelOf(pod.owner.namespace), {
      field: specField(pod),
      annotations: pod.annotations,
    }).map(({ control: _control, ...p }) => violation(pod.owner, p)));
  },
});

/** PLT060: images follow the environment's image policy. */
export const imagePolicy = Rule.of({
  id: 'PLT060',
  name: 'image-policy',
  severity: Severity.ERROR,
  rationale: 'Untagged or :latest images change under a running workload; immutable environments need references that never move.',
  fix: 'Pin a commit-sha tag or a @sha256: digest.',
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
          image: nginx
          ports: [{ name: http, containerPort: 8080 }]
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
`,
  },
  check: ({ index, imagePolicy: policy }) => {
    // A fleet runs the same few images in thousands of containers; an accepted image stays accepted.
    const accepted = new Set<string>();
    return index.pods.flatMap((pod) => pod.containers.flatMap(({ container, field }) => {
      const image = String(container.image ?? '');
      if (accepted.has(image)) return [];
      const problems = Image.of(image).problems(`${field}.image`, policy);
      if (!problems.length) accepted.add(image);
      return problems.map((p) => violation(pod.owner, p));
    }));
  },
});

/** PLT070: the serving container of a long-running workload has a readiness probe. */
export const readinessProbe = Rule.of({
  id: 'PLT070',
  name: 'readiness-probe',
  severity: Severity.ERROR,
  rationale: 'Without a readiness probe a pod gets traffic as soon as it starts, and a rollout proceeds over pods that do not serve.',
  fix: 'Give the first (serving) container of every Deployment, StatefulSet or DaemonSet that declares ports a readinessProbe; helpers (sidecars, exporters) follow it.',
  library: 'readiness: Probe.fromHttpGet(...) on a Container of the library.',
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
          readinessProbe: { httpGet: { path: /healthz, port: http } }
`,
  },
  check: ({ index }) => index.pods.filter((p) => LONG_RUNNING_KINDS.includes(p.owner.object.kind)).flatMap((pod) => {
    const primary = pod.spec.containers?.[0];
    if (!primary || !(primary.ports ?? []).length || primary.readinessProbe) return [];
    return [violation(pod.owner, {
      field: `${specField(pod)}.containers[0].readinessProbe`,
      value: undefined,
      message: `is missing on container ${primary.name}, which serves ports ${list(primary.ports).map((p: any) => p.name ?? p.containerPort).join(', ')}`,
      fix: `set ${specField(pod)}.containers[0].readinessProbe (httpGet, tcpSocket, grpc or exec) on container ${primary.name}`,
    })];
  }),
});

/** PLT071: containers request CPU and memory and limit memory. */
export const resourceRequests = Rule.of({
  id: 'PLT071',
  name: 'resource-requests',
  severity: Severity.ERROR,
  rationale: 'Without requests the scheduler overcommits nodes and autoscalers cannot work; without a memory limit one leak takes the node down.',
  fix: 'Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container.',
  library: 'Resources.preset(ResourceSize.SMALL) on a Container of the library.',
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
          resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { memory: 128Mi } }
`,
  },
  check: ({ index }) => index.pods.flatMap((pod) => pod.containers.flatMap(({ container, field }) => {
    const r = container.resources ?? {};
    const missing = [
      ...(r.requests?.cpu === undefined ? ['requests.cpu'] : []),
      ...(r.requests?.memory === undefined ? ['requests.memory'] : []),
      ...(r.limits?.memory === undefined ? ['limits.memory'] : []),
    ];
    return missing.length ? [violation(pod.owner, {
      field: `${field}.resources`,
      value: container.resources,
      message: `of container ${container.name} lack ${missing.join(', ')}`,
      fix: `set ${missing.map((m) => `resources.${m}`).join(', ')} on container ${container.name}, e.g. requests { cpu: 100m, memory: 128Mi }, limits { memory: 128Mi }`,
    })] : [];
  })),
});

function specField(pod: PodRef): string {
  return pod.field ? `${pod.field}.spec` : 'spec';
}

/** PLT072: probes on named ports name a port of their container. */
export const probeNamedPort = Rule.of({
  id: 'PLT072',
  name: 'probe-port-declared',
  severity: Severity.ERROR,
  rationale: 'A probe on a port name the container does not declare can never connect: readiness never passes, liveness restarts the container forever.',
  fix: 'Name a port of the container\'s ports[] in the probe (httpGet.port, tcpSocket.port), or declare the port with that name.',
  library: 'A Container of the library refuses probes on ports it does not expose (the same code).',
  examples: {
    failing: 'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: shop }\nspec:\n  containers:\n    - name: web\n      image: "nginx:1.25"\n      ports: [{ name: http, containerPort: 8080 }]\n      readinessProbe: { httpGet: { path: /healthz, port: metrics } }',
    passing: 'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: shop }\nspec:\n  containers:\n    - name: web\n      image: "nginx:1.25"\n      ports: [{ name: http, containerPort: 8080 }]\n      readinessProbe: { httpGet: { path: /healthz, port: http } }',
  },
  check: ({ index }) => {
    const result: Violation[] = [];
    for (const pod of index.pods) {
      for (const { container, field } of pod.containers) {
        for (const kind of PROBE_KINDS) {
          const probe = container[kind];
          const handler = probe?.httpGet ? 'httpGet' : probe?.tcpSocket ? 'tcpSocket' : undefined;
          const port = handler && probe[handler].port;
          // A numeric port need not be declared; a name must be.
          if (typeof port !== 'string' || /^[0-9]+$/.test(port)) continue;
          const declared = list(container.ports).map((p: any) => ({ number: p?.containerPort, name: p?.name }));
          const problem = probePortProblem(`${field}.${kind}.${handler}.port`, String(container.name), port, declared);
          if (problem) result.push(violation(pod.owner, problem));
        }
      }
    }
    return result;
  },
});

const PROBE_KINDS = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;

/** PLT073: a CronJob's schedule is a valid cron expression. */
export const cronSchedule = Rule.of({
  id: 'PLT073',
  name: 'cronjob-schedule',
  severity: Severity.ERROR,
  rationale: 'The API server accepts schedules the controller reads differently: */61 in the minute field runs once an hour, a TZ= prefix is refused, @every drifts.',
  fix: 'Write spec.schedule as five fields with values in range (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-6) or a macro such as @hourly; set spec.timeZone for a time zone.',
  library: 'CronJob takes a CronSchedule, which refuses the same at synth (the same code).',
  examples: {
    failing: 'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: report, namespace: shop }\nspec:\n  schedule: "*/61 * * * *"\n  jobTemplate: { spec: { template: { spec: { restartPolicy: OnFailure, containers: [{ name: report, image: "busybox:1.36" }] } } } }',
    passing: 'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: report, namespace: shop }\nspec:\n  schedule: "0 * * * *"\n  jobTemplate: { spec: { template: { spec: { restartPolicy: OnFailure, containers: [{ name: report, image: "busybox:1.36" }] } } } }',
  },
  check: ({ index }) => index.ofKind('CronJob').flatMap((job) => {
    const schedule = job.object.spec?.schedule;
    if (typeof schedule !== 'string') return [violation(job, { field: 'spec.schedule', value: schedule, message: 'is missing', fix: 'set a schedule such as "0 * * * *"' })];
    return CronSchedule.expression(schedule).problems('spec.schedule').map((p) => violation(job, p));
  }),
});

/** PLT074: probe settings the API server refuses or that restart busy containers. */
export const probeSettings = Rule.of({
  id: 'PLT074',
  name: 'probe-settings',
  severity: Severity.ERROR,
  rationale: 'The API server refuses a liveness or startup probe with successThreshold other than 1; a liveness probe identical to the readiness probe restarts a container that is only busy, turning load into a restart loop.',
  fix: 'Leave successThreshold out of livenessProbe and startupProbe; give livenessProbe a longer periodSeconds or higher failureThreshold than readinessProbe, or a cheaper endpoint.',
  library: 'A Container of the library refuses the same at synth (the same code).',
  examples: {
    failing: 'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: shop }\nspec:\n  containers:\n    - name: web\n      image: "nginx:1.25"\n      readinessProbe: { httpGet: { path: /healthz, port: 8080 } }\n      livenessProbe: { httpGet: { path: /healthz, port: 8080 } }',
    passing: 'apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: shop }\nspec:\n  containers:\n    - name: web\n      image: "nginx:1.25"\n      readinessProbe: { httpGet: { path: /healthz, port: 8080 } }\n      livenessProbe: { httpGet: { path: /healthz, port: 8080 }, periodSeconds: 20, failureThreshold: 6 }',
  },
  check: ({ index }) => index.pods.flatMap((pod) => pod.containers.flatMap(({ container, field }) => (
    // Only liveness and startup probes have settings to refuse.
    !container.livenessProbe && !container.startupProbe ? [] : probeSettingsProblems(
      { readiness: container.readinessProbe, liveness: container.livenessProbe, startup: container.startupProbe },
      (role) => `${field}.${role}Probe`,
    ).map((p) => violation(pod.owner, p))))),
});

/** PLT075: rollout and Job settings the API server refuses. */
export const workloadSettings = Rule.of({
  id: 'PLT075',
  name: 'workload-settings',
  severity: Severity.ERROR,
  rationale: 'The API server refuses a rolling update with maxSurge and maxUnavailable both 0 (it could never replace a pod) and a Job pod template whose restartPolicy is not Never or OnFailure (Always, the pod default, never completes).',
  fix: 'Allow maxSurge: 1 or maxUnavailable: 1 in spec.strategy.rollingUpdate; set restartPolicy: Never (or OnFailure) in the Job\'s pod template.',
  library: 'Deployment strategies and Job/CronJob of the library refuse the same (the same code) and default restartPolicy to Never.',
  examples: {
    failing: 'apiVersion: batch/v1\nkind: Job\nmetadata: { name: migrate, namespace: shop }\nspec:\n  template:\n    spec:\n      containers: [{ name: migrate, image: "registry.example.com/migrate:3f2a9c1" }]',
    passing: 'apiVersion: batch/v1\nkind: Job\nmetadata: { name: migrate, namespace: shop }\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{ name: migrate, image: "registry.example.com/migrate:3f2a9c1" }]',
  },
  check: ({ index }) => [
    ...index.ofKind('Deployment').flatMap((d) => {
      const rolling = d.object.spec?.strategy?.rollingUpdate;
      return rolling && typeof rolling === 'object' ? rollingUpdateProblems(rolling.maxSurge, rolling.maxUnavailable, 'spec.strategy.rollingUpdate').map((p) => violation(d, p)) : [];
    }),
    ...index.pods.filter((pod) => pod.owner.object.kind === 'Job' || pod.owner.object.kind === 'CronJob').flatMap((pod) => {
      const field = `${specField(pod)}.restartPolicy`;
      const problems = pod.spec.restartPolicy === undefined
        ? [{ field, value: undefined, message: 'is missing, and the pod default Always is refused for Job pods', fix: 'set restartPolicy: Never (or OnFailure)' }]
        : jobRestartProblems(pod.spec.restartPolicy, field);
      return problems.map((p) => violation(pod.owner, p));
    }),
  ],
});
