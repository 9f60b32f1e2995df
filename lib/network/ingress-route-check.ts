import { Environment } from '../core/environment';
import { Finding, Manifest, ManifestCheck } from '../core/platform';

/**
 * Refuses the same host, path and path type routed by two Ingress objects of one environment
 * (e.g. two apps both claiming `/` of one host): the controller would merge them and pick one
 * backend silently. Within one Ingress the {@link Ingress} construct already refuses it.
 */
export class IngressRouteCheck implements ManifestCheck {
  public check(manifests: readonly Manifest[], _environment: Environment): Finding[] {
    const owners = new Map<string, Manifest>();
    const findings: Finding[] = [];
    for (const m of manifests.filter((x) => x.object.kind === 'Ingress')) {
      const routes = new Set<string>();
      (m.object.spec?.rules ?? []).forEach((rule: any, r: number) => {
        (rule.http?.paths ?? []).forEach((p: any, i: number) => {
          const key = `${m.object.spec?.ingressClassName ?? ''} ${rule.host ?? '*'}${p.path} ${p.pathType}`;
          if (routes.has(key)) return;
          routes.add(key);
          const first = owners.get(key);
          if (!first) {
            owners.set(key, m);
            return;
          }
          findings.push({
            rule: 'INGRESS',
            severity: 'error',
            path: m.constructPath,
            field: `spec.rules[${r}].http.paths[${i}]`,
            value: `${rule.host ?? '*'}${p.path}`,
            message: `is also routed by Ingress ${first.object.metadata.name} (${first.file}); the controller would pick one backend silently`,
            fix: 'give each app its own host or path, or route both from one Ingress',
          });
        });
      });
    }
    return findings;
  }
}
