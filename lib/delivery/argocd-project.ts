import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AppProject } from '../../imports/argocd-project-argoproj.io';
import { AppChart } from '../core/app-chart';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { z } from 'zod';
import { checkProps, constructId, str } from '../core/schema';

/** Namespace Argo CD runs in and reads its Applications and AppProjects from. */
export const ARGOCD_NAMESPACE = 'argocd';

/** The API server address of the cluster Argo CD runs in. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** An API group and kind, as Argo CD allow-lists name them. */
export interface GroupKind {
  /** API group; `''` is the core group. */
  readonly group: string;
  /** Kind, or `*` for every kind of the group. */
  readonly kind: string;
}

/** Props of an {@link ArgoCdProject}. */
export interface ArgoCdProjectProps {
  /**
   * Object name.
   * @default - the environment name
   */
  readonly name?: string;
  /** Git repositories the project's Applications may deploy from. */
  readonly sourceRepos: string[];
  /**
   * Namespaces the project's Applications may deploy into.
   * @default - the environment's namespace
   */
  readonly namespaces?: string[];
  /**
   * Cluster the project deploys to.
   * @default IN_CLUSTER
   */
  readonly server?: string;
  /**
   * Cluster-scoped kinds the project may manage (Namespaces, ClusterRoles, ...); Argo CD refuses
   * every other cluster-scoped object.
   * @default - none
   */
  readonly clusterResources?: GroupKind[];
  /**
   * What the project is for, shown in the Argo CD UI.
   * @default - "Apps of the <environment> environment"
   */
  readonly description?: string;
}

/** Runtime shape of {@link ArgoCdProjectProps}. @internal */
export const ArgoCdProjectPropsSchema = z.strictObject({
  name: str.optional(),
  sourceRepos: z.array(str),
  namespaces: z.array(str).optional(),
  server: str.optional(),
  clusterResources: z.array(z.strictObject({ group: str, kind: str })).optional(),
  description: str.optional(),
});

const REPO_URL = /^(https:\/\/|ssh:\/\/|git@)[^\s]+$/;

/**
 * An Argo CD AppProject for one environment: which repositories, namespaces and cluster-scoped
 * kinds its Applications may touch. Lives in the `argocd` namespace.
 */
export class ArgoCdProject extends Construct {
  /** Name of the AppProject. */
  public readonly name: string;
  /** API server its Applications deploy to. */
  public readonly server: string;
  /** Namespaces its Applications may deploy to. */
  public readonly namespaces: string[];
  /** Repositories its Applications may read. */
  public readonly sourceRepos: string[];
  /** The AppProject object (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ArgoCdProjectProps) {
    super(scope, constructId(scope, id));
    checkProps(this, ArgoCdProjectPropsSchema, props);
    const chart = AppChart.of(this);
    this.name = props.name ?? chart.environment.name;
    this.server = props.server ?? IN_CLUSTER;
    this.namespaces = props.namespaces ?? [chart.environment.namespace];
    this.sourceRepos = props.sourceRepos;
    this.apiObject = new AppProject(this, 'Resource', {
      metadata: { name: this.name, namespace: ARGOCD_NAMESPACE, labels: chart.labelsFor({ name: this.name, component: 'delivery' }) },
      spec: {
        description: props.description ?? `Apps of the ${chart.environment.name} environment`,
        sourceRepos: this.sourceRepos,
        destinations: this.namespaces.map((namespace) => ({ server: this.server, namespace })),
        clusterResourceWhitelist: props.clusterResources?.map((r) => ({ group: r.group, kind: r.kind })) ?? [],
      },
    });
    addProblems(this, () => this.problems());
  }

  private problems(): Problem[] {
    const problems: Problem[] = [...Names.dnsSubdomain('name', this.name)];
    if (this.sourceRepos.length === 0) {
      problems.push({ field: 'sourceRepos', value: [], message: 'a project needs at least one repository', fix: 'list the Git repository that holds dist/' });
    }
    this.sourceRepos.forEach((url, i) => problems.push(...repoUrlProblems(`sourceRepos[${i}]`, url)));
    this.namespaces.forEach((ns, i) => problems.push(...Names.dnsLabel(`namespaces[${i}]`, ns)));
    if (!/^https:\/\/[^\s/]+/.test(this.server)) {
      problems.push({ field: 'server', value: this.server, message: 'must be the https:// address of a Kubernetes API server', fix: `use ${IN_CLUSTER} for the cluster Argo CD runs in` });
    }
    return problems;
  }
}

/** Problems of a Git repository URL as Argo CD takes it. */
export function repoUrlProblems(field: string, url: string): Problem[] {
  return REPO_URL.test(url) ? [] : [{
    field,
    value: url,
    message: 'is not a Git repository URL Argo CD can clone',
    fix: 'use https://host/org/repo.git, ssh://git@host/org/repo.git or git@host:org/repo.git',
  }];
}
