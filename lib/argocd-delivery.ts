import { ArgoCdApplication } from './argocd-application';
import { ArgoCdProject, GroupKind } from './argocd-project';
import { StackDefinition } from './platform';

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
}

/**
 * A stack rendering, per environment, one AppProject and one Application per app, each pointing
 * at `<outdir>/<environment>/<app>`. Written to `<outdir>/<environment>/argocd/`, the folder a
 * bootstrap applies once (`kubectl apply -k <outdir>/<environment>/argocd`); from then on Argo CD
 * picks up every commit (or, with manual sync, shows the diff).
 */
export function argoCdDelivery(props: ArgoCdDeliveryProps): StackDefinition {
  const outdir = props.outdir ?? 'dist';
  return {
    name: props.name ?? 'argocd',
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
    },
  };
}
