export * from './argocd-project';
export * from './argocd-application';
export * from './argocd-delivery';
export * from './argocd-check';
export * from './kustomization';
