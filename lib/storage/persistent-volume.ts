import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { clusterScopedName, dropNamespace } from '../core/cluster-scope';
import { Names } from '../core/names';
import { AccessMode, accessModeProblems, sizeProblems } from './persistent-volume-claim';
import { addProblems, Problem } from '../core/problem';
import { z } from 'zod';
import { argumentProblems, checkArguments, checkProps, constructId, instanceOf, refusedArgumentsOf, schemaProblems, str } from '../core/schema';

const RAW_SOURCE = z.record(str, z.record(str, z.unknown()));
const OPTIONAL_STRING = str.optional();

/** What happens to a volume's storage when its claim is deleted (the notes, 001). */
export enum ReclaimPolicy {
  /** Keep the volume and its data; an administrator cleans it up by hand. */
  RETAIN = 'Retain',
  /** Delete the storage asset (the disk) with the claim. */
  DELETE = 'Delete',
  /** Deprecated scrub-and-reuse (`rm -rf`); refused. */
  RECYCLE = 'Recycle',
}

/** The storage behind a PersistentVolume. */
export class PersistentVolumeSource {
  /** A GCE persistent disk (the notes' mongodb-pv). */
  public static gcePersistentDisk(pdName: string, fsType = 'ext4'): PersistentVolumeSource {
    return checkArguments(new PersistentVolumeSource({ gcePersistentDisk: { pdName, fsType } }), argumentProblems({ pdName: str, fsType: str }, { pdName, fsType }));
  }

  /** An NFS export; many nodes can mount it read-write. */
  public static nfs(server: string, path: string): PersistentVolumeSource {
    return checkArguments(new PersistentVolumeSource({ nfs: { server, path } }), argumentProblems({ server: str, path: str }, { server, path }));
  }

  /** A volume of a CSI driver, by its handle. */
  public static csi(driver: string, volumeHandle: string, fsType?: string): PersistentVolumeSource {
    return checkArguments(new PersistentVolumeSource({ csi: { driver, volumeHandle, fsType } }), argumentProblems({ driver: str, volumeHandle: str, fsType: OPTIONAL_STRING }, { driver, volumeHandle, fsType }));
  }

  /** Any other source, as the Kubernetes API spells it (escape hatch). */
  public static of(source: Omit<k8s.PersistentVolumeSpec, 'capacity' | 'accessModes' | 'persistentVolumeReclaimPolicy' | 'storageClassName' | 'volumeMode' | 'claimRef'>): PersistentVolumeSource {
    const refused = schemaProblems(RAW_SOURCE, source, '', 'source');
    return checkArguments(new PersistentVolumeSource(refused.length ? {} : source), refused);
  }

  /**
   * @param spec The volume source part of the spec.
   */
  private constructor(public readonly spec: Omit<k8s.PersistentVolumeSpec, 'capacity' | 'accessModes' | 'persistentVolumeReclaimPolicy' | 'storageClassName' | 'volumeMode' | 'claimRef'>) {}
}

/** Props of a {@link PersistentVolume}. */
export interface PersistentVolumeProps {
  /** The storage. */
  readonly source: PersistentVolumeSource;
  /** Capacity, a quantity such as `1Gi`. */
  readonly size: string;
  /**
   * Access modes the storage supports.
   * @default [AccessMode.READ_WRITE_ONCE]
   */
  readonly accessModes?: AccessMode[];
  /**
   * What happens to the storage when the claim is deleted. Explicit, since the notes weigh Retain
   * against Delete; Recycle is refused.
   * @default ReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /**
   * StorageClass the volume belongs to; `""` (static binding) for claims with `storageClassName: ""`.
   * @default '' (static binding)
   */
  readonly storageClassName?: string;
  /**
   * `Filesystem` or raw `Block` device.
   * @default - Kubernetes' Filesystem
   */
  readonly volumeMode?: 'Filesystem' | 'Block';
  /**
   * Object name; prefixed with the environment, since PersistentVolumes are cluster-scoped.
   * @default - the construct id
   */
  readonly name?: string;
}

/** Runtime shape of {@link PersistentVolumeProps}. @internal */
export const PersistentVolumePropsSchema = z.strictObject({
  source: instanceOf(PersistentVolumeSource, 'a PersistentVolumeSource', 'use PersistentVolumeSource.nfs(...), .csi(...), .gcePersistentDisk(...) or .of(...)'),
  size: str.describe('give the capacity as a quantity string, e.g. "10Gi"'),
  accessModes: z.array(str).optional(),
  reclaimPolicy: str.optional(),
  storageClassName: str.optional(),
  volumeMode: z.enum(['Filesystem', 'Block']).optional(),
  name: str.optional(),
});

/**
 * Pre-provisioned storage (the notes' mongodb-pv, 001). Cluster-scoped: no namespace, and the
 * name carries the environment (`dev-mongodb-pv`). Bind a claim with `PersistentVolumeClaim.forVolume`.
 */
export class PersistentVolume extends Construct {
  /** Name of the PersistentVolume. */
  public readonly name: string;
  /** Its capacity, a Kubernetes quantity. */
  public readonly size: string;
  /** How it can be mounted. */
  public readonly accessModes: AccessMode[];
  /** The PersistentVolume object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: PersistentVolumeProps) {
    super(scope, constructId(scope, id));
    checkProps(this, PersistentVolumePropsSchema, props);
    this.name = clusterScopedName(this, props.name ?? id);
    this.size = props.size;
    this.accessModes = props.accessModes ?? [AccessMode.READ_WRITE_ONCE];
    this.apiObject = new k8s.KubePersistentVolume(this, 'Resource', {
      metadata: { name: this.name, labels: AppChart.of(this).labelsFor({ name: props.name ?? id }) },
      spec: {
        ...props.source.spec,
        capacity: { storage: k8s.Quantity.fromString(props.size) },
        accessModes: this.accessModes,
        persistentVolumeReclaimPolicy: props.reclaimPolicy ?? ReclaimPolicy.RETAIN,
        storageClassName: props.storageClassName ?? '',
        volumeMode: props.volumeMode,
      },
    });
    dropNamespace(this.apiObject);
    addProblems(this, () => {
      const problems: Problem[] = [
        ...Names.dnsSubdomain('name', this.name),
        ...sizeProblems('size', props.size),
        ...accessModeProblems('accessModes', props.accessModes),
        ...reclaimPolicyProblems('reclaimPolicy', props.reclaimPolicy),
      ];
      problems.push(...refusedArgumentsOf(props.source, 'source'));
      if (Object.keys(props.source.spec).length !== 1) {
        problems.push({ field: 'source', value: Object.keys(props.source.spec), message: 'must name exactly one kind of storage', fix: 'use one PersistentVolumeSource factory' });
      }
      return problems;
    });
  }
}

/** Recycle is refused (and unknown policies with it) for PersistentVolumes and StorageClasses. */
export function reclaimPolicyProblems(field: string, policy: ReclaimPolicy | undefined): Problem[] {
  if (policy === ReclaimPolicy.RECYCLE) {
    return [{
      field,
      value: policy,
      message: 'is deprecated: Recycle only scrubs the files (rm -rf) and hands the volume to the next claim, and most volume plugins no longer support it',
      fix: 'use ReclaimPolicy.DELETE (storage removed with the claim) or ReclaimPolicy.RETAIN (kept for manual clean-up), or dynamic provisioning with a StorageClass',
    }];
  }
  if (policy !== undefined && policy !== ReclaimPolicy.RETAIN && policy !== ReclaimPolicy.DELETE) {
    return [{ field, value: policy, message: 'is not a reclaim policy', fix: 'use ReclaimPolicy.RETAIN or ReclaimPolicy.DELETE' }];
  }
  return [];
}
