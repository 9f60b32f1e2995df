import { containersOf, PodRef } from '../object-index';
import { Rule, Severity, violation, Violation } from '../rule';

/** `spec.template.spec`, `spec.jobTemplate.spec.template.spec` or `spec` of a pod. */
function specOf(pod: PodRef): string {
  return pod.field ? `${pod.field}.spec` : 'spec';
}

/** PLT072: liveness and readiness probes differ. */
export const livenessDiffersFromReadiness = Rule.of({
  id: 'PLT072',
  name: 'liveness-differs-from-readiness',
  severity: Severity.ERROR,
  rationale: 'With identical probes a container that is merely busy fails liveness at the moment it is taken out of rotation, and is restarted instead of given time.',
  fix: 'Give liveness a longer period or a higher failureThreshold, or check a cheaper endpoint.',
  check: ({ index }) => index.pods.flatMap((pod) => containersOf(pod.spec, `${specOf(pod)}.`).flatMap(({ container: c, field }): Violation[] =>
    c?.livenessProbe && c.readinessProbe && JSON.stringify(c.livenessProbe) === JSON.stringify(c.readinessProbe)
      ? [violation(pod.owner, { field: `${field}.livenessProbe`, value: c.livenessProbe, message: `is identical to the readiness probe of container ${c.name}`, fix: 'make liveness more patient than readiness (periodSeconds, failureThreshold)' })]
      : [])),
});

/** PLT073: probes connect to ports the container declares. */
export const probePortDeclared = Rule.of({
  id: 'PLT073',
  name: 'probe-port-declared',
  severity: Severity.ERROR,
  rationale: 'A probe on a port the container does not declare is usually a typo or a stale port: the probe fails and the pod never becomes ready (a named port does not even resolve).',
  fix: 'Probe a declared port, or declare the port the process listens on.',
  check: ({ index }) => index.pods.flatMap((pod) => containersOf(pod.spec, `${specOf(pod)}.`).flatMap(({ container: c, field }) => {
    const ports: any[] = c?.ports ?? [];
    const result: Violation[] = [];
    for (const role of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const probe = c?.[role];
      const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
      if (port === undefined || ports.some((p) => p.containerPort === port || p.name === port)) continue;
      result.push(violation(pod.owner, {
        field: `${field}.${role}`,
        value: port,
        message: `connects to port ${port}, which container ${c.name} does not declare`,
        fix: `probe one of ${ports.map((p) => p.name ?? p.containerPort).join(', ') || 'its ports (none declared)'}, or declare the port`,
      }));
    }
    return result;
  })),
});

/** PLT074: the headless Service of a StatefulSet names its ports. */
export const statefulSetPortNames = Rule.of({
  id: 'PLT074',
  name: 'statefulset-ports-named',
  severity: Severity.ERROR,
  rationale: 'Members of a StatefulSet find each other through the DNS SRV records of the headless Service, which exist only for named ports.',
  fix: 'Name every port of the StatefulSet\'s headless Service.',
  check: ({ index }) => index.ofKind('StatefulSet').flatMap((set) => {
    const name = set.object.spec?.serviceName;
    const service = typeof name === 'string' ? index.find('Service', set.namespace, name) : undefined;
    return ((service?.object.spec?.ports ?? []) as any[]).flatMap((p, i) => (p?.name ? [] : [violation(set, {
      field: 'spec.serviceName',
      value: name,
      message: `names Service ${name}, whose port ${p?.port} (ports[${i}]) has no name: members get no SRV record for it`,
      fix: 'name the port, e.g. "peer" or "client"',
    })]));
  }),
});
