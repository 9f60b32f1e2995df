export { ARGOCD_NAMESPACE, IN_CLUSTER, ArgoCdProject } from './argocd-project';
export type { GroupKind, ArgoCdProjectProps } from './argocd-project';
export * from './argocd-application';
export * from './argocd-delivery';
export * from './argocd-check';
export * from './kustomization';
