import { Environment } from '../core/environment';
import { Finding, Manifest, ManifestCheck } from '../core/platform';

/**
 * Refuses what Argo CD would refuse at sync time, before anything is committed: for every
 * rendered Application whose folder this synth writes, each object of that folder must be
 * allowed by the Application's AppProject: a cluster-scoped object (one without a namespace)
 * needs its group and kind in `clusterResourceWhitelist`, a namespaced one a namespace among the
 * project's `destinations`.
 */
export class ArgoCdProjectCheck implements ManifestCheck {
  /** @param outdir the folder of the rendered manifests in the repository, as Applications name it */
  constructor(private readonly outdir = 'dist') {}

  public check(manifests: readonly Manifest[], _environment: Environment): Finding[] {
    const projects = new Map(manifests.filter((m) => m.object.kind === 'AppProject').map((m) => [m.object.metadata.name as string, m.object.spec ?? {}]));
    return manifests.filter((m) => m.object.kind === 'Application').flatMap((application) => {
      const spec = application.object.spec ?? {};
      const project = projects.get(spec.project);
      const folder = `${spec.source?.path ?? ''}/`;
      if (!project || !folder.startsWith(`${this.outdir}/`)) return [];
      const delivered = manifests.filter((m) => `${this.outdir}/${m.file}`.startsWith(folder));
      return delivered.flatMap((m) => this.refusal(m, spec.project, project));
    });
  }

  private refusal(m: Manifest, projectName: string, project: any): Finding[] {
    const { apiVersion, kind, metadata } = m.object;
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const base = { rule: 'ARGOCD', severity: 'error' as const, path: m.constructPath };
    if (metadata?.namespace === undefined) {
      const allowed = (project.clusterResourceWhitelist ?? []).some((r: any) => (r.group === group || r.group === '*') && (r.kind === kind || r.kind === '*'));
      return allowed ? [] : [{
        ...base,
        field: 'kind',
        value: `${group || 'core'}/${kind}`,
        message: `is cluster-scoped and not in the clusterResourceWhitelist of Argo CD project ${projectName}; the sync would fail`,
        fix: `add { group: '${group}', kind: '${kind}' } to the delivery's clusterResources, or make the object namespaced`,
      }];
    }
    const allowed = (project.destinations ?? []).some((d: any) => d.namespace === metadata.namespace || d.namespace === '*');
    return allowed ? [] : [{
      ...base,
      field: 'metadata.namespace',
      value: metadata.namespace,
      message: `is not a destination of Argo CD project ${projectName}; the sync would fail`,
      fix: 'deploy into the environment\'s namespace, or add the namespace to the project',
    }];
  }
}
