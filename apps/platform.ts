import { ArgoCdProjectCheck, IngressRouteCheck, Kustomization, Platform, PlatformProps, PolicyEngine } from '../lib';
import { environments } from './environments';
import { CONTROL_PLANE_FILES, stacks } from './stacks';

/** The shipped platform: every environment × every stack. Tests pass overrides (an extra environment). */
export function createPlatform(overrides: Partial<PlatformProps> = {}): Platform {
  return new Platform({
    environments,
    stacks,
    checks: [new PolicyEngine(), new ArgoCdProjectCheck(), new IngressRouteCheck()],
    // `kubectl apply -k dist/<env>` deploys the apps; the Argo CD bootstrap is applied on its own.
    outputs: [new Kustomization({ notInEnvironment: ['argocd'], skip: CONTROL_PLANE_FILES })],
    ...overrides,
  });
}
