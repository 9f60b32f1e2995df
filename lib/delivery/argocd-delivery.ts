import { ArgoCdApplication } from './argocd-application';
import { ArgoCdProject, ARGOCD_NAMESPACE, GroupKind } from './argocd-project';
import { StackDefinition } from '../core/platform';
import { z } from 'zod';
import { bool, ProblemError, schemaProblems, str } from '../core/schema';

/** Runtime shape of {@link ArgoCdDeliveryProps}. @internal */
export const ArgoCdDeliveryPropsSchema = z.strictObject({
  repoURL: str,
  targetRevision: str.optional(),
  outdir: str.optional(),
  apps: z.array(z.looseObject({ name: str, environments: z.array(str).optional() })),
  clusterResources: z.array(z.strictObject({ group: str, kind: str })).optional(),
  name: str.optional(),
  selfManaged: bool.optional(),
});

/** Props of {@link argoCdDelivery}. */
export interface ArgoCdDeliveryProps {
  /** Git repository the rendered manifests are committed to. */
  readonly repoURL: string;
  /**
   * Branch, tag or commit Argo CD follows.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;
  /**
   * Folder of the rendered manifests in the repository (the synth output).
   * @default 'dist'
   */
  readonly outdir?: string;
  /** The app stacks to deliver; each gets one Application per environment it is rendered for. */
  readonly apps: StackDefinition[];
  /**
   * Cluster-scoped kinds the apps may manage (see {@link ArgoCdProjectProps.clusterResources}).
   * @default - none
   */
  readonly clusterResources?: GroupKind[];
  /**
   * Name of the stack, and so of its folder.
   * @default 'argocd'
   */
  readonly name?: string;
  /**
   * Deliver the Argo CD objects themselves from Git too (app of apps): an Application
   * `<environment>-<name>` in its own project, limited to the `argocd` namespace, syncs this
   * folder, so a new app's Application is applied by Argo CD like any other change.
   * @default true
   */
  readonly selfManaged?: boolean;
}

/**
 * A stack rendering, per environment, one AppProject and one Application per app, each pointing
 * at `<outdir>/<environment>/<app>`, and (self-managed) the Application of this folder itself.
 * Written to `<outdir>/<environment>/argocd/`, the folder a bootstrap applies once
 * (`kubectl apply -k <outdir>/<environment>/argocd`); from then on Argo CD picks up every commit,
 * new apps included (or, with manual sync, shows the diff).
 */
export function argoCdDelivery(props: ArgoCdDeliveryProps): StackDefinition {
  const refused = schemaProblems(ArgoCdDeliveryPropsSchema, props);
  if (refused.length) {
    // Refused where stacks are defined, so the synth lists it with the other problems.
    return { name: typeof props?.name === 'string' ? props.name : 'argocd', define: () => { throw new ProblemError(refused); } };
  }
  const outdir = props.outdir ?? 'dist';
  const name = props.name ?? 'argocd';
  return {
    name,
    define(chart) {
      const environment = chart.environment;
      const project = new ArgoCdProject(chart, 'project', { sourceRepos: [props.repoURL], clusterResources: props.clusterResources });
      for (const app of props.apps) {
        if (app.environments && !app.environments.includes(environment.name)) continue;
        new ArgoCdApplication(chart, app.name, {
          project,
          repoURL: props.repoURL,
          targetRevision: props.targetRevision,
          path: `${outdir}/${environment.name}/${app.name}`,
        });
      }
      if (props.selfManaged ?? true) {
        const bootstrap = new ArgoCdProject(chart, 'bootstrap-project', {
          name: `${environment.name}-bootstrap`,
          description: `The Argo CD Applications of the ${environment.name} environment`,
          sourceRepos: [props.repoURL],
          namespaces: [ARGOCD_NAMESPACE],
        });
        new ArgoCdApplication(chart, name, {
          project: bootstrap,
          repoURL: props.repoURL,
          targetRevision: props.targetRevision,
          path: `${outdir}/${environment.name}/${name}`,
          namespace: ARGOCD_NAMESPACE,
        });
      }
    },
  };
}
