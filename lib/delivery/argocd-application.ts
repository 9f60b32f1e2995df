import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Application } from '../../imports/argocd-argoproj.io';
import { AppChart } from '../core/app-chart';
import { ArgoCdProject, ARGOCD_NAMESPACE, repoUrlProblems } from './argocd-project';
import { SyncPolicy } from '../core/environment';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { z } from 'zod';
import { checkProps, constructId, instanceOf, oneOf, str } from '../core/schema';

/** Props of an {@link ArgoCdApplication}. */
export interface ArgoCdApplicationProps {
  /**
   * Object name; unique in the `argocd` namespace across environments.
   * @default - `<environment>-<construct id>`
   */
  readonly name?: string;
  /** The project, which limits where the Application may deploy. */
  readonly project: ArgoCdProject;
  /** Git repository holding the rendered manifests; must be one of the project's `sourceRepos`. */
  readonly repoURL: string;
  /** Folder of the manifests in the repository, e.g. `dist/dev/journal`. */
  readonly path: string;
  /**
   * Branch, tag or commit Argo CD follows.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;
  /**
   * Namespace objects without a namespace are deployed into; must be one of the project's.
   * @default - the environment's namespace
   */
  readonly namespace?: string;
  /**
   * Automated (apply every commit, prune deleted objects, revert drift) or manual sync.
   * @default - the environment's sync policy
   */
  readonly sync?: SyncPolicy;
}

/** Runtime shape of {@link ArgoCdApplicationProps}. @internal */
export const ArgoCdApplicationPropsSchema = z.strictObject({
  name: str.optional(),
  project: instanceOf(ArgoCdProject, 'an ArgoCdProject'),
  repoURL: str,
  path: str,
  targetRevision: str.optional(),
  namespace: str.optional(),
  sync: oneOf(SyncPolicy).optional(),
});

const PATH = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/**
 * Retries of a failed automated sync: apps are synced independently, so an app may be synced
 * before the namespace or CRD it needs exists; it succeeds on a retry once they do.
 */
const AUTOMATED_RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } };

/**
 * An Argo CD Application delivering one folder of rendered manifests to one environment.
 * Automated sync prunes and self-heals, so Git stays the only source of truth; manual sync
 * (production) waits for a human, who sees the diff first.
 */
export class ArgoCdApplication extends Construct {
  /** Name of the Application. */
  public readonly name: string;
  /** How Argo CD syncs it. */
  public readonly sync: SyncPolicy;
  /** The Application object (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, constructId(scope, id));
    checkProps(this, ArgoCdApplicationPropsSchema, props);
    const chart = AppChart.of(this);
    const environment = chart.environment;
    this.name = props.name ?? `${environment.name}-${id}`;
    this.sync = props.sync ?? environment.sync;
    const namespace = props.namespace ?? environment.namespace;
    this.apiObject = new Application(this, 'Resource', {
      metadata: { name: this.name, namespace: ARGOCD_NAMESPACE, labels: chart.labelsFor({ name: this.name, component: 'delivery' }) },
      spec: {
        project: props.project.name,
        source: { repoUrl: props.repoURL, path: props.path, targetRevision: props.targetRevision ?? 'HEAD' },
        destination: { server: props.project.server, namespace },
        syncPolicy: this.sync === SyncPolicy.AUTOMATED ? { automated: { prune: true, selfHeal: true }, retry: AUTOMATED_RETRY } : undefined,
      },
    });
    addProblems(this, () => this.problems(props, namespace));
  }

  private problems(props: ArgoCdApplicationProps, namespace: string): Problem[] {
    const problems: Problem[] = [...Names.dnsSubdomain('name', this.name), ...repoUrlProblems('repoURL', props.repoURL)];
    if (!props.project.sourceRepos.includes(props.repoURL)) {
      problems.push({
        field: 'repoURL',
        value: props.repoURL,
        message: `is not a source repository of project ${props.project.name}; Argo CD would refuse to sync`,
        fix: `use one of ${props.project.sourceRepos.join(', ')} or add it to the project's sourceRepos`,
      });
    }
    if (!props.project.namespaces.includes(namespace)) {
      problems.push({
        field: 'namespace',
        value: namespace,
        message: `is not a destination of project ${props.project.name}; Argo CD would refuse to sync`,
        fix: `use one of ${props.project.namespaces.join(', ')} or add it to the project's namespaces`,
      });
    }
    if (!PATH.test(props.path) || props.path.split('/').some((s) => s === '..' || s === '.')) {
      problems.push({ field: 'path', value: props.path, message: 'must be a relative folder inside the repository', fix: 'e.g. "dist/dev/journal" (no leading "/", no ".." or ".")' });
    }
    return problems;
  }
}
