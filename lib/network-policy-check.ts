import { Environment } from './environment';
import { Finding, Manifest, ManifestCheck } from './platform';

/** Where each workload kind keeps its pod template's labels. */
const POD_LABELS: Record<string, (o: any) => Record<string, string> | undefined> = {
  Deployment: (o) => o.spec?.template?.metadata?.labels,
  StatefulSet: (o) => o.spec?.template?.metadata?.labels,
  DaemonSet: (o) => o.spec?.template?.metadata?.labels,
  ReplicaSet: (o) => o.spec?.template?.metadata?.labels,
  Job: (o) => o.spec?.template?.metadata?.labels,
  CronJob: (o) => o.spec?.jobTemplate?.spec?.template?.metadata?.labels,
  Pod: (o) => o.metadata?.labels,
};

/**
 * Refuses NetworkPolicies whose pod selectors (the policy's own, and same-namespace peers')
 * match no pod of the environment's stacks: such a policy protects or allows nothing, usually
 * because of a typo or a renamed workload. Empty selectors (every pod) always match;
 * `matchExpressions` are not evaluated.
 */
export class NetworkPolicyCheck implements ManifestCheck {
  public check(manifests: readonly Manifest[], environment: Environment): Finding[] {
    const namespaceOf = (m: Manifest) => m.object.metadata?.namespace ?? environment.namespace;
    const pods = manifests.flatMap((m) => {
      const labels = POD_LABELS[m.object.kind]?.(m.object);
      return labels ? [{ namespace: namespaceOf(m), labels }] : [];
    });
    const matchesSome = (namespace: string, selector: Record<string, string> | undefined) =>
      !selector || Object.keys(selector).length === 0
      || pods.some((p) => p.namespace === namespace && Object.entries(selector).every(([k, v]) => p.labels[k] === v));
    return manifests.filter((m) => m.object.kind === 'NetworkPolicy').flatMap((m) => {
      const spec = m.object.spec ?? {};
      const namespace = namespaceOf(m);
      const selectors: [string, Record<string, string> | undefined][] = [['spec.podSelector', spec.podSelector?.matchLabels]];
      for (const [direction, key] of [['ingress', 'from'], ['egress', 'to']] as const) {
        (spec[direction] ?? []).forEach((rule: any, i: number) => (rule[key] ?? []).forEach((peer: any, j: number) => {
          if (peer.podSelector && !peer.namespaceSelector) {
            selectors.push([`spec.${direction}[${i}].${key}[${j}].podSelector`, peer.podSelector.matchLabels]);
          }
        }));
      }
      return selectors.filter(([, selector]) => !matchesSome(namespace, selector)).map(([field, selector]): Finding => ({
        rule: 'NETPOL',
        severity: 'error',
        path: m.constructPath,
        field,
        value: selector,
        message: `matches no pod in namespace ${namespace}`,
        fix: 'select a workload of the stack (pass the Workload rather than labels), or remove the policy',
      }));
    });
  }
}
