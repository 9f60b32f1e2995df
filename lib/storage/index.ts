export { AccessMode, STATIC_BINDING, PersistentVolumeClaim, VolumeClaimTemplate } from './persistent-volume-claim';
export type { ClaimOptions, PersistentVolumeClaimProps, VolumeClaimTemplateProps } from './persistent-volume-claim';
export { ReclaimPolicy, PersistentVolumeSource, PersistentVolume } from './persistent-volume';
export type { PersistentVolumeProps } from './persistent-volume';
export * from './storage-class';
