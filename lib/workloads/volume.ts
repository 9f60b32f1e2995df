import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { z } from 'zod';
import { Names } from '../core/names';
import { Problem } from '../core/problem';
import { parseQuantity } from '../core/quantity';
import { bool, checkArguments, instanceOf, num, refName, refusedArgumentsOf, schemaProblems, str } from '../core/schema';

/** Selected keys of a ConfigMap or Secret projected as files. */
export interface KeyToPath {
  /** The key in the ConfigMap or Secret. */
  readonly key: string;
  /** File name, relative to the mount path. */
  readonly path: string;
  /**
   * File mode (octal, e.g. 0o400); written as the decimal number (0o400 is 256), since JSON and
   * the YAML the API server reads have no octal form.
   * @default - the volume's defaultMode
   */
  readonly mode?: number;
}

/** Options of ConfigMap and Secret volumes. */
export interface ProjectedVolumeOptions {
  /**
   * Project only these keys, under these file names.
   * @default - every key, as a file named after it
   */
  readonly items?: KeyToPath[];
  /**
   * Mode of the files (octal); written as the decimal number (0o444 is 292, 0o400 is 256), since
   * JSON and the YAML the API server reads have no octal form. Secrets default to owner-read-only.
   * @default 0o444 for ConfigMaps, 0o400 for Secrets
   */
  readonly defaultMode?: number;
  /**
   * Whether the pod may start when the ConfigMap or Secret is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/** Options of an emptyDir volume. */
export interface EmptyDirOptions {
  /**
   * Back the directory with memory (tmpfs) instead of the node's disk.
   * @default false
   */
  readonly memory?: boolean;
  /**
   * Size limit, e.g. `64Mi`.
   * @default - no limit
   */
  readonly sizeLimit?: string;
}

/** Runtime shape of {@link KeyToPath}. @internal */
export const KeyToPathSchema = z.strictObject({ key: str, path: str, mode: num.optional() });
/** Runtime shape of {@link ProjectedVolumeOptions}; modes and paths are checked by {@link Volume.problems}. @internal */
export const ProjectedVolumeOptionsSchema = z.strictObject({ items: z.array(KeyToPathSchema).optional(), defaultMode: num.optional(), optional: bool.optional() });
/** Runtime shape of {@link EmptyDirOptions}. @internal */
export const EmptyDirOptionsSchema = z.strictObject({ memory: bool.optional(), sizeLimit: str.optional().describe('give a quantity such as "64Mi"') });
const NAMED = z.strictObject({ name: str.describe('give the volume a DNS-1123 label as name, e.g. "data"'), ref: str.optional() });
const CLAIM_OPTIONS = z.strictObject({ readOnly: bool.optional() });
const SOURCE = z.record(str, z.unknown());

/**
 * A pod volume. Containers mount it by object, so a mount can only name a volume that exists;
 * the pod adds every volume its containers mount.
 */
export class Volume {
  /** Scratch space shared by the pod's containers, e.g. a writable /tmp or a log directory. */
  public static emptyDir(name: string, options: EmptyDirOptions = {}): Volume {
    const refused = [...schemaProblems(NAMED, { name }), ...schemaProblems(EmptyDirOptionsSchema, options, '', 'options')];
    const o = refused.length ? {} : options;
    return checkArguments(new Volume(name, {
      emptyDir: {
        medium: o.memory ? 'Memory' : undefined,
        sizeLimit: o.sizeLimit !== undefined ? k8s.Quantity.fromString(o.sizeLimit) : undefined,
      },
    }, 'emptyDir'), refused);
  }

  /** A ConfigMap's keys as files; the ConfigMap given by name or as a cdk8s-plus-27 ConfigMap. */
  public static fromConfigMap(name: string, configMap: string | kplus.IConfigMap, options: ProjectedVolumeOptions = {}): Volume {
    const configMapName = refName(configMap);
    const refused = [...schemaProblems(NAMED, { name, ref: configMapName }), ...schemaProblems(ProjectedVolumeOptionsSchema, options, '', 'options')];
    const o = refused.length ? {} : options;
    return checkArguments(new Volume(name, {
      configMap: { name: configMapName, items: o.items, defaultMode: o.defaultMode ?? 0o444, optional: o.optional },
    }, 'configMap', configMapName), refused);
  }

  /**
   * A Secret's keys as files (tmpfs-backed on the node; read-only to the owner by default); the
   * Secret given by name or as a cdk8s-plus-27 Secret.
   */
  public static fromSecret(name: string, secret: string | kplus.ISecret, options: ProjectedVolumeOptions = {}): Volume {
    const secretName = refName(secret);
    const refused = [...schemaProblems(NAMED, { name, ref: secretName }), ...schemaProblems(ProjectedVolumeOptionsSchema, options, '', 'options')];
    const o = refused.length ? {} : options;
    return checkArguments(new Volume(name, {
      secret: { secretName, items: o.items, defaultMode: o.defaultMode ?? 0o400, optional: o.optional },
    }, 'secret', secretName), refused);
  }

  /** A PersistentVolumeClaim. */
  public static fromClaim(name: string, claimName: string, options: { readonly readOnly?: boolean } = {}): Volume {
    const refused = [...schemaProblems(NAMED, { name, ref: claimName }), ...schemaProblems(CLAIM_OPTIONS, options, '', 'options')];
    return checkArguments(new Volume(name, { persistentVolumeClaim: { claimName, readOnly: refused.length ? undefined : options.readOnly } }, 'persistentVolumeClaim', claimName), refused);
  }

  /** Any other volume source, as the Kubernetes API spells it (escape hatch). */
  public static fromSource(name: string, source: Omit<k8s.Volume, 'name'>): Volume {
    const refused = [...schemaProblems(NAMED, { name }), ...schemaProblems(SOURCE, source, '', 'source')];
    return checkArguments(new Volume(name, refused.length ? {} : source, 'other'), refused);
  }

  private constructor(
    /** Volume name, unique in the pod. */
    public readonly name: string,
    private readonly source: Omit<k8s.Volume, 'name'>,
    /** The source type: emptyDir, configMap, secret, persistentVolumeClaim or other. */
    public readonly type: string,
    /** The ConfigMap, Secret or claim this volume refers to. */
    public readonly refName?: string,
  ) {}

  /** The projected keys of a ConfigMap or Secret volume (`undefined`: every key). */
  public get items(): readonly KeyToPath[] | undefined {
    return (this.source.configMap ?? this.source.secret)?.items;
  }

  /** Problems of the volume's own settings: its name, file modes and projected paths. */
  public problems(field: string): Problem[] {
    const refused = refusedArgumentsOf(this, field);
    if (refused.length) return refused;
    const problems = [...Names.dnsLabel(`${field}.name`, this.name)];
    const sizeLimit = this.source.emptyDir?.sizeLimit?.value;
    if (sizeLimit !== undefined && !((parseQuantity(sizeLimit) ?? 0) > 0)) {
      problems.push({ field: `${field}.sizeLimit`, value: sizeLimit, message: 'must be a positive quantity', fix: 'write it like "64Mi" or "1Gi"' });
    }
    const projected = this.source.configMap ?? this.source.secret;
    if (!projected) {
      return problems;
    }
    const modes: [string, number | undefined][] = [
      ['defaultMode', projected.defaultMode],
      ...(projected.items ?? []).map((item, i): [string, number | undefined] => [`items[${i}].mode`, item.mode]),
    ];
    for (const [name, mode] of modes) {
      if (mode !== undefined && (!Number.isInteger(mode) || mode < 0 || mode > 0o777)) {
        problems.push({ field: `${field}.${name}`, value: mode, message: 'must be a file mode between 0 and 0o777', fix: 'write it as an octal literal, e.g. 0o400' });
      }
    }
    const paths = new Set<string>();
    (projected.items ?? []).forEach((item, i) => {
      if (item.path === '' || item.path.startsWith('/') || item.path.split('/').includes('..')) {
        problems.push({ field: `${field}.items[${i}].path`, value: item.path, message: 'must be a relative path without ".."', fix: `use a file name such as ${JSON.stringify(item.key)}` });
      }
      if (paths.has(item.path)) {
        problems.push({ field: `${field}.items[${i}].path`, value: item.path, message: 'is the file name of another item', fix: 'give each projected key its own file name' });
      }
      paths.add(item.path);
    });
    return problems;
  }

  /** The value as the Kubernetes API takes it (a cdk8s-plus-27 `k8s` type), e.g. for escape hatches. */
  public toK8s(): k8s.Volume {
    return { name: this.name, ...this.source };
  }
}

/** A pod volume, as props take it. @internal */
export const VolumeSchema = instanceOf(Volume, 'a Volume', 'make it with Volume.emptyDir(...), Volume.fromConfigMap(...), Volume.fromSecret(...) or Volume.fromClaim(...)');

/** Runtime shape of {@link VolumeMount}. @internal */
export const VolumeMountSchema = z.strictObject({
  volume: VolumeSchema,
  path: str.describe('give the absolute path in the container, e.g. "/data"'),
  readOnly: bool.optional(),
  subPath: str.optional(),
});

/** Where a container mounts a volume. */
export interface VolumeMount {
  /** The volume; the pod adds it. */
  readonly volume: Volume;
  /** Absolute path in the container. */
  readonly path: string;
  /**
   * Mount read-only. ConfigMap and Secret volumes are always mounted read-only.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * Mount only this sub-path of the volume.
   * @default - the whole volume
   */
  readonly subPath?: string;
}
