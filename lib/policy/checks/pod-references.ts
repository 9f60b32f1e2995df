import { ContainerRef, containersOf, list } from '../object-index';

/** A ConfigMap or Secret a rendered pod reads. */
export interface PodConfigReference {
  /** ConfigMap or Secret. */
  readonly kind: 'ConfigMap' | 'Secret';
  /** Its name. */
  readonly name: string;
  /** Whether the pod starts without it. */
  readonly optional: boolean;
  /** How the pod reads it: a pull secret is read by the kubelet, not by the pod's processes. */
  readonly via: 'env' | 'envFrom' | 'volume' | 'imagePullSecrets';
  /** Field path of the reference. */
  readonly field: string;
}

/**
 * The ConfigMaps and Secrets a rendered pod spec reads, in document order: each container's env
 * keys and envFrom, then volumes (projected ones too) and image pull secrets. Fields are under
 * `prefix` (the pod spec's path, e.g. `spec.template.spec`); `containers` as the ObjectIndex lists
 * them. Shared by the policy engine (PLT040, PLT041) and the config-hash of cdk8s-plus-27 workloads.
 */
export function podConfigReferences(spec: any, prefix: string, containers: readonly ContainerRef[] = containersOf(spec, prefix ? `${prefix}.` : '')): PodConfigReference[] {
  const refs: PodConfigReference[] = [];
  const add = (kind: 'ConfigMap' | 'Secret', via: PodConfigReference['via'], field: string, name: unknown, optional: unknown) => {
    if (typeof name === 'string') refs.push({ kind, name, optional: optional === true, via, field });
  };
  for (const { container: c, field } of containers) {
    list(c.env).forEach((e: any, i: number) => {
      const secret = e?.valueFrom?.secretKeyRef;
      if (secret) add('Secret', 'env', `${field}.env[${i}].valueFrom`, secret.name, secret.optional);
      const configMap = e?.valueFrom?.configMapKeyRef;
      if (configMap) add('ConfigMap', 'env', `${field}.env[${i}].valueFrom`, configMap.name, configMap.optional);
    });
    list(c.envFrom).forEach((e: any, i: number) => {
      if (e?.secretRef) add('Secret', 'envFrom', `${field}.envFrom[${i}]`, e.secretRef.name, e.secretRef.optional);
      if (e?.configMapRef) add('ConfigMap', 'envFrom', `${field}.envFrom[${i}]`, e.configMapRef.name, e.configMapRef.optional);
    });
  }
  list(spec?.volumes).forEach((v: any, i: number) => {
    if (v?.secret) add('Secret', 'volume', `${prefix}.volumes[${i}].secret.secretName`, v.secret.secretName, v.secret.optional);
    if (v?.configMap) add('ConfigMap', 'volume', `${prefix}.volumes[${i}].configMap.name`, v.configMap.name, v.configMap.optional);
    list(v?.projected?.sources).forEach((source: any, j: number) => {
      if (source?.secret) add('Secret', 'volume', `${prefix}.volumes[${i}].projected.sources[${j}].secret.name`, source.secret.name, source.secret.optional);
      if (source?.configMap) add('ConfigMap', 'volume', `${prefix}.volumes[${i}].projected.sources[${j}].configMap.name`, source.configMap.name, source.configMap.optional);
    });
  });
  list(spec?.imagePullSecrets).forEach((s: any, i: number) => add('Secret', 'imagePullSecrets', `${prefix}.imagePullSecrets[${i}].name`, s?.name, false));
  return refs;
}
