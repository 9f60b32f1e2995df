import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { clusterScopedName, dropNamespace } from '../core/cluster-scope';
import { Names } from '../core/names';
import { ReclaimPolicy, reclaimPolicyProblems } from './persistent-volume';
import { addProblems, Problem } from '../core/problem';
import { z } from 'zod';
import { bool, checkProps, constructId, oneOf, str, stringMap } from '../core/schema';

/** When a claim of the class gets its volume. */
export enum VolumeBindingMode {
  /** As soon as the claim exists, possibly in a zone the pod cannot run in. */
  IMMEDIATE = 'Immediate',
  /** When the first pod using the claim is scheduled, in that pod's zone. */
  WAIT_FOR_FIRST_CONSUMER = 'WaitForFirstConsumer',
}

/** Props of a {@link StorageClass}. */
export interface StorageClassProps {
  /** The provisioner (CSI driver) that creates the volumes, e.g. `pd.csi.storage.gke.io`, `rook-ceph.rbd.csi.ceph.com`. */
  readonly provisioner: string;
  /**
   * Provisioner-specific parameters, e.g. `{ type: 'pd-ssd' }`.
   * @default - none
   */
  readonly parameters?: Record<string, string>;
  /**
   * What happens to a provisioned volume when its claim is deleted (Recycle is refused).
   * @default ReclaimPolicy.DELETE
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /**
   * When volumes are provisioned. Waiting for the first pod puts the volume in the pod's zone.
   * @default VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER
   */
  readonly volumeBindingMode?: VolumeBindingMode;
  /**
   * Whether claims may grow by editing their size.
   * @default false
   */
  readonly allowVolumeExpansion?: boolean;
  /**
   * Mount options of the provisioned volumes.
   * @default - none
   */
  readonly mountOptions?: string[];
  /**
   * Object name; prefixed with the environment, since StorageClasses are cluster-scoped.
   * @default - the construct id
   */
  readonly name?: string;
}

/** Runtime shape of {@link StorageClassProps}. @internal */
export const StorageClassPropsSchema = z.strictObject({
  provisioner: str.describe('give the CSI driver name, e.g. "ebs.csi.aws.com"'),
  parameters: stringMap.optional(),
  reclaimPolicy: str.optional(),
  volumeBindingMode: oneOf(VolumeBindingMode).optional(),
  allowVolumeExpansion: bool.optional(),
  mountOptions: z.array(str).optional(),
  name: str.optional(),
});

/**
 * A kind of storage that claims provision dynamically (the notes, 001): claims name it in
 * `storageClassName` and the provisioner creates the PersistentVolume. Cluster-scoped: no
 * namespace, and the name carries the environment.
 */
export class StorageClass extends Construct {
  /** Name of the StorageClass, as claims refer to it. */
  public readonly name: string;
  /** The StorageClass object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: StorageClassProps) {
    super(scope, constructId(scope, id));
    checkProps(this, StorageClassPropsSchema, props);
    this.name = clusterScopedName(this, props.name ?? id);
    this.apiObject = new k8s.KubeStorageClass(this, 'Resource', {
      metadata: { name: this.name, labels: AppChart.of(this).labelsFor({ name: props.name ?? id }) },
      provisioner: props.provisioner,
      parameters: props.parameters,
      reclaimPolicy: props.reclaimPolicy ?? ReclaimPolicy.DELETE,
      volumeBindingMode: props.volumeBindingMode ?? VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
      allowVolumeExpansion: props.allowVolumeExpansion ?? false,
      mountOptions: props.mountOptions,
    });
    dropNamespace(this.apiObject);
    addProblems(this, () => {
      const problems: Problem[] = [
        ...Names.dnsSubdomain('name', this.name),
        ...reclaimPolicyProblems('reclaimPolicy', props.reclaimPolicy),
      ];
      if (props.provisioner.length > 63 || !/^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/.test(props.provisioner)) {
        problems.push({ field: 'provisioner', value: props.provisioner, message: 'must be a provisioner name (a CSI driver name such as "ebs.csi.aws.com")', fix: 'use the driver name from `kubectl get csidrivers`' });
      }
      return problems;
    });
  }
}
