import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { Labels } from '../core/labels';
import { Names } from '../core/names';
import type { PersistentVolume } from './persistent-volume';
import { addProblems, Problem } from '../core/problem';
import { parseQuantity } from '../core/quantity';
import { Volume } from '../workloads/volume';
import { z } from 'zod';
import { checkArguments, checkProps, constructId, refusedArgumentsOf, schemaProblems, str } from '../core/schema';

/** How nodes may mount a volume. */
export enum AccessMode {
  /** Read-write by the pods of one node. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Read-only by many nodes. */
  READ_ONLY_MANY = 'ReadOnlyMany',
  /** Read-write by many nodes (NFS, CephFS; most block storage cannot). */
  READ_WRITE_MANY = 'ReadWriteMany',
  /** Read-write by a single pod. */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
}

/**
 * The `storageClassName` that binds a claim to a pre-provisioned PersistentVolume only (the
 * notes' mongodb example, 001): written as `""`, because leaving it out means the default class.
 */
export const STATIC_BINDING = '';

/** What a claim asks for: shared by {@link PersistentVolumeClaim} and StatefulSet claim templates. */
export interface ClaimOptions {
  /** Storage size, a quantity such as `1Gi`. */
  readonly size: string;
  /**
   * How the volume is mounted.
   * @default [AccessMode.READ_WRITE_ONCE]
   */
  readonly accessModes?: AccessMode[];
  /**
   * StorageClass that provisions the volume, or {@link STATIC_BINDING} to bind to an existing
   * PersistentVolume. A StorageClass of the stack is named as it renders, with its environment:
   * pass its `name` (`storageClassName: fast.name`, i.e. `dev-fast`); the name it was given
   * (`fast`) is refused, since no class of that name exists and the claim would stay Pending.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * `Filesystem` or raw `Block` device.
   * @default - Kubernetes' Filesystem
   */
  readonly volumeMode?: 'Filesystem' | 'Block';
}

/** Runtime shape of {@link ClaimOptions}; the size and names are checked at synth. @internal */
export const ClaimOptionsShape = {
  size: str.describe('give the size as a quantity string, e.g. "1Gi"'),
  accessModes: z.array(str).optional(),
  storageClassName: str.optional(),
  volumeMode: z.enum(['Filesystem', 'Block']).optional(),
};

/** The claim spec of {@link ClaimOptions}. */
export function claimSpec(options: ClaimOptions, volumeName?: string): k8s.PersistentVolumeClaimSpec {
  return {
    accessModes: options.accessModes ?? [AccessMode.READ_WRITE_ONCE],
    storageClassName: options.storageClassName,
    volumeMode: options.volumeMode,
    volumeName,
    resources: { requests: { storage: k8s.Quantity.fromString(options.size) } },
  };
}

/** Problems of {@link ClaimOptions}, with fields under `prefix`: a size that is not a positive quantity, no or unknown access modes. */
export function claimProblems(prefix: string, options: ClaimOptions): Problem[] {
  const problems: Problem[] = [...sizeProblems(`${prefix}size`, options.size)];
  problems.push(...accessModeProblems(`${prefix}accessModes`, options.accessModes));
  if (options.storageClassName) {
    problems.push(...Names.dnsSubdomain(`${prefix}storageClassName`, options.storageClassName));
  }
  return problems;
}

/** A storage size must be a positive quantity. */
export function sizeProblems(field: string, size: string | undefined): Problem[] {
  const bytes = parseQuantity(size);
  if (size === undefined || bytes === undefined || !(bytes > 0)) {
    return [{ field, value: size, message: 'must be a positive storage quantity', fix: 'give the size the volume needs, e.g. "1Gi"' }];
  }
  return [];
}

/** Access modes must be known and at least one. */
export function accessModeProblems(field: string, modes: AccessMode[] | undefined): Problem[] {
  if (modes === undefined) return [];
  const known = Object.values(AccessMode) as string[];
  if (modes.length === 0) {
    return [{ field, value: modes, message: 'needs at least one access mode', fix: 'use [AccessMode.READ_WRITE_ONCE] or leave it out' }];
  }
  return modes.filter((m) => !known.includes(m)).map((m) => ({ field, value: m, message: 'is not an access mode', fix: `use one of ${known.join(', ')}` }));
}

/** Props of a {@link PersistentVolumeClaim}. */
export interface PersistentVolumeClaimProps extends ClaimOptions {
  /**
   * Object name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Bind to this PersistentVolume only (a {@link PersistentVolume}'s `name`).
   * @default - any volume that matches
   */
  readonly volumeName?: string;
}

/** Runtime shape of {@link PersistentVolumeClaimProps}. @internal */
export const PersistentVolumeClaimPropsSchema = z.strictObject({ ...ClaimOptionsShape, name: str.optional(), volumeName: str.optional() });

/**
 * A request for storage (the notes, 001): the app asks for a size and access mode, the cluster
 * provisions or binds a PersistentVolume. Mount it with {@link volume}.
 */
export class PersistentVolumeClaim extends Construct {
  /**
   * A claim bound to one pre-provisioned PersistentVolume (static binding, `storageClassName: ""`),
   * asking for its whole capacity: the notes' mongodb-pvc.
   */
  public static forVolume(scope: Construct, id: string, volume: PersistentVolume, options: { readonly name?: string } = {}): PersistentVolumeClaim {
    if (typeof (volume as Partial<PersistentVolume> | undefined)?.size !== 'string' || !Array.isArray(volume.accessModes)) {
      // What the claim cannot be made from is refused like any other props of it.
      return new PersistentVolumeClaim(scope, id, { volume, options } as unknown as PersistentVolumeClaimProps);
    }
    return new PersistentVolumeClaim(scope, id, {
      name: options?.name,
      size: volume.size,
      accessModes: [volume.accessModes[0] ?? AccessMode.READ_WRITE_ONCE],
      storageClassName: STATIC_BINDING,
      volumeName: volume.name,
    });
  }

  /** Name of the claim, as pods mount it. */
  public readonly name: string;
  /** The PersistentVolumeClaim object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: PersistentVolumeClaimProps) {
    super(scope, constructId(scope, id));
    checkProps(this, PersistentVolumeClaimPropsSchema, props);
    this.name = props.name ?? id;
    this.apiObject = new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: this.name, labels: AppChart.of(this).labelsFor({ name: this.name }) },
      spec: claimSpec(props, props.volumeName),
    });
    addProblems(this, () => [...Names.dnsSubdomain('name', this.name), ...claimProblems('', props), ...storageClassNameProblems(this, props.storageClassName)]);
  }

  /** A pod volume that mounts this claim. */
  public volume(volumeName: string = this.name, options: { readonly readOnly?: boolean } = {}): Volume {
    return Volume.fromClaim(volumeName, this.name, options);
  }
}

/** Props of a {@link VolumeClaimTemplate}. */
export interface VolumeClaimTemplateProps extends ClaimOptions {
  /** Claim name; each StatefulSet member gets the claim `<name>-<set>-<ordinal>`. */
  readonly name: string;
}

/** Runtime shape of {@link VolumeClaimTemplateProps}. @internal */
export const VolumeClaimTemplatePropsSchema = z.strictObject({ ...ClaimOptionsShape, name: str });
const CLAIM_TEMPLATE_OPTIONS = z.strictObject({ storageClassName: str.optional(), volumeMode: ClaimOptionsShape.volumeMode });

/**
 * Per-member storage of a StatefulSet: every pod gets its own claim, kept across restarts and
 * rescheduling. Mount {@link volume} in a container of the StatefulSet; the StatefulSet turns it
 * into a `volumeClaimTemplates` entry instead of a pod volume.
 */
export class VolumeClaimTemplate {
  /** A read-write-once claim of `size`, the usual data directory of a database member. */
  public static readWriteOnce(name: string, size: string, options: Omit<ClaimOptions, 'size' | 'accessModes'> = {}): VolumeClaimTemplate {
    const refused = schemaProblems(CLAIM_TEMPLATE_OPTIONS, options, '', 'options');
    return checkArguments(new VolumeClaimTemplate({ ...(refused.length ? {} : options), name, size, accessModes: [AccessMode.READ_WRITE_ONCE] }), refused);
  }

  /** The volume containers mount (only valid in the StatefulSet that lists this template). */
  public readonly volume: Volume;

  /** What the template was made with. */
  public readonly props: VolumeClaimTemplateProps;

  constructor(given: VolumeClaimTemplateProps) {
    const refused = schemaProblems(VolumeClaimTemplatePropsSchema, given);
    checkArguments(this, refused);
    this.props = refused.length ? { name: typeof given?.name === 'string' ? given.name : 'claim', size: '1Gi' } : given;
    this.volume = Volume.fromClaim(this.props.name, this.props.name);
  }

  /** Name of the claim template (pods' claims are `<name>-<pod name>`). */
  public get name(): string {
    return this.props.name;
  }

  /** Problems of the template, with fields under `prefix`. */
  public problems(prefix: string): Problem[] {
    const refused = refusedArgumentsOf(this, prefix.replace(/\.$/, ''));
    if (refused.length) return refused;
    return [...Names.dnsLabel(`${prefix}name`, this.name), ...claimProblems(prefix, this.props)];
  }

  /** The value as the Kubernetes API takes it (a cdk8s-plus-27 `k8s` type), e.g. for escape hatches. */
  public toK8s(): k8s.KubePersistentVolumeClaimProps {
    return { metadata: { name: this.name }, spec: claimSpec(this.props) };
  }
}

/**
 * A StorageClass of the stack is named with the environment (`dev-fast`): a claim (or a
 * StatefulSet's claim template, `field` under its prefix) naming it by the name given (`fast`)
 * would stay Pending, so it must name the class as rendered. @internal
 */
export function storageClassNameProblems(claim: Construct, storageClassName: string | undefined, field = 'storageClassName'): Problem[] {
  if (!storageClassName) return [];
  const classes = claim.node.root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c) && c.kind === 'StorageClass');
  if (classes.some((c) => c.name === storageClassName)) return [];
  const meant = classes.find((c) => c.metadata.getLabel(Labels.NAME) === storageClassName);
  return meant ? [{
    field,
    value: storageClassName,
    message: `names the StorageClass of the stack by the name it was given, but it renders as "${meant.name}" (cluster-scoped names carry the environment): the claim would stay Pending`,
    fix: `pass the class's name: storageClassName: storageClass.name (here "${meant.name}")`,
  }] : [];
}
