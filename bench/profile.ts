import { APP_CONF, APP_REGISTRY, APP_TAG, digestOf, FLEET_ENVIRONMENTS, fleetPlatform, serviceName } from './fleet';

/**
 * What differs between environments, read from the cdk8s rendering of one prototype service, so
 * that the helm chart and the kustomize overlays are given exactly the library's values.
 */
export interface FleetProfile {
  readonly environment: string;
  readonly namespace: string;
  readonly version: string;
  readonly registry: string;
  readonly tag: string;
  /** Digest of a service's image, where the environment requires immutable images. */
  readonly digests?: (service: string) => string;
  readonly sidecarImage: string;
  readonly pullPolicy: string;
  /** Fixed replicas; undefined where an autoscaler owns the count. */
  readonly replicas?: number;
  /** The autoscaler's spec without its target, where the environment autoscales. */
  readonly autoscaling?: { minReplicas: number; maxReplicas: number; metrics: unknown };
  readonly logLevel: string;
  readonly appConf: string;
  readonly highAvailability: boolean;
  readonly appResources: unknown;
  readonly sidecarResources: unknown;
  readonly containerSecurityContext: unknown;
  readonly podSecurityContext: unknown;
}

/** One profile per fleet environment. */
export function fleetProfiles(): FleetProfile[] {
  const prototype = serviceName(0);
  const manifests = fleetPlatform(1).render().manifests;
  return FLEET_ENVIRONMENTS.map((env) => {
    const objects = manifests.filter((m) => m.environment === env.name && m.app === prototype).map((m) => m.object);
    const find = (kind: string) => objects.find((o) => o.kind === kind);
    const deployment = find('Deployment');
    const [app, sidecar] = deployment.spec.template.spec.containers;
    return {
      environment: env.name,
      namespace: deployment.metadata.namespace,
      version: APP_TAG,
      registry: APP_REGISTRY,
      tag: APP_TAG,
      digests: String(app.image).includes('@') ? (service: string) => digestOf(`${APP_REGISTRY}/${service}`) : undefined,
      sidecarImage: sidecar.image,
      pullPolicy: app.imagePullPolicy,
      replicas: deployment.spec.replicas,
      autoscaling: find('HorizontalPodAutoscaler') && {
        minReplicas: find('HorizontalPodAutoscaler').spec.minReplicas,
        maxReplicas: find('HorizontalPodAutoscaler').spec.maxReplicas,
        metrics: find('HorizontalPodAutoscaler').spec.metrics,
      },
      logLevel: find('ConfigMap').data.LOG_LEVEL,
      appConf: APP_CONF,
      highAvailability: find('PodDisruptionBudget') !== undefined,
      appResources: app.resources,
      sidecarResources: sidecar.resources,
      containerSecurityContext: app.securityContext,
      podSecurityContext: deployment.spec.template.spec.securityContext,
    };
  });
}
