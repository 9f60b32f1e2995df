import { Image } from '../../workloads/image';
import { containersOf, LONG_RUNNING_KINDS, PodRef } from '../object-index';
import { podSecurityProblems } from '../pod-security';
import { Rule, Severity, violation } from '../rule';

/** PLT050: pods meet the Pod Security Standards level their namespace enforces. */
export const podSecurity = Rule.of({
  id: 'PLT050',
  name: 'pod-security-standards',
  severity: Severity.ERROR,
  rationale: 'The namespace\'s Pod Security admission refuses pods above its level; the Deployment then shows no pods and no error.',
  fix: 'Keep the platform\'s restricted security context; ask for a baseline namespace only for what restricted cannot run.',
  check: ({ index, podSecurity: level }) => index.pods.flatMap((pod) => podSecurityProblems(pod.spec, index.enforcedLevel(pod.owner.namespace) ?? level, {
    field: specField(pod),
    annotations: pod.annotations,
  }).map(({ control: _control, ...p }) => violation(pod.owner, p))),
});

/** PLT060: images follow the environment's image policy. */
export const imagePolicy = Rule.of({
  id: 'PLT060',
  name: 'image-policy',
  severity: Severity.ERROR,
  rationale: 'Untagged or :latest images change under a running workload; immutable environments need references that never move.',
  fix: 'Pin a commit-sha tag or a @sha256: digest.',
  check: ({ index, imagePolicy: policy }) => index.pods.flatMap((pod) => containersOf(pod.spec, `${specField(pod)}.`)
    .flatMap(({ container, field }) => Image.of(String(container.image ?? '')).problems(`${field}.image`, policy).map((p) => violation(pod.owner, p)))),
});

/** PLT070: the serving container of a long-running workload has a readiness probe. */
export const readinessProbe = Rule.of({
  id: 'PLT070',
  name: 'readiness-probe',
  severity: Severity.ERROR,
  rationale: 'Without a readiness probe a pod gets traffic as soon as it starts, and a rollout proceeds over pods that do not serve.',
  fix: 'Give the first (serving) container of every Deployment, StatefulSet or DaemonSet that declares ports a readinessProbe; helpers (sidecars, exporters) follow it.',
  library: 'readiness: Probe.fromHttpGet(...) on a Container of the library.',
  check: ({ index }) => index.pods.filter((p) => LONG_RUNNING_KINDS.includes(p.owner.object.kind)).flatMap((pod) => {
    const primary = pod.spec.containers?.[0];
    if (!primary || !(primary.ports ?? []).length || primary.readinessProbe) return [];
    return [violation(pod.owner, {
      field: `${specField(pod)}.containers[0].readinessProbe`,
      value: undefined,
      message: `is missing on container ${primary.name}, which serves ports ${(primary.ports ?? []).map((p: any) => p.name ?? p.containerPort).join(', ')}`,
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
  check: ({ index }) => index.pods.flatMap((pod) => containersOf(pod.spec, `${specField(pod)}.`).flatMap(({ container, field }) => {
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
