import { argoCdDelivery, StackDefinition } from '../../lib';

/** The Git repository holding `dist/`, which Argo CD syncs from. Point it at your fork. */
export const REPOSITORY = 'https://github.com/example-org/k8s-constructs.git';

/** The branch Argo CD follows. */
export const BRANCH = 'main';

/**
 * Argo CD delivery (the notes, 003: "use Argo CD"): per environment an AppProject and one
 * Application per app, in `dist/<env>/argocd/`. Apply that folder once per cluster; dev and
 * stage then sync every commit, prod shows the diff and waits for a human.
 */
export function argocd(apps: StackDefinition[]): StackDefinition {
  return argoCdDelivery({
    repoURL: REPOSITORY,
    targetRevision: BRANCH,
    apps,
    clusterResources: [
      { group: '', kind: 'Namespace' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
    ],
  });
}
