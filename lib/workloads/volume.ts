import { k8s } from 'cdk8s-plus-27';
import { Names } from '../core/names';
import { Problem } from '../core/problem';

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

/**
 * A pod volume. Containers mount it by object, so a mount can only name a volume that exists;
 * the pod adds every volume its containers mount.
 */
export class Volume {
  /** Scratch space shared by the pod's containers, e.g. a writable /tmp or a log directory. */
  public static emptyDir(name: string, options: EmptyDirOptions = {}): Volume {
    return new Volume(name, {
      emptyDir: {
        medium: options.memory ? 'Memory' : undefined,
        sizeLimit: options.sizeLimit !== undefined ? k8s.Quantity.fromString(options.sizeLimit) : undefined,
      },
    }, 'emptyDir');
  }

  /** A ConfigMap's keys as files. */
  public static fromConfigMap(name: string, configMapName: string, options: ProjectedVolumeOptions = {}): Volume {
    return new Volume(name, {
      configMap: { name: configMapName, items: options.items, defaultMode: options.defaultMode ?? 0o444, optional: options.optional },
    }, 'configMap', configMapName);
  }

  /** A Secret's keys as files (tmpfs-backed on the node; read-only to the owner by default). */
  public static fromSecret(name: string, secretName: string, options: ProjectedVolumeOptions = {}): Volume {
    return new Volume(name, {
      secret: { secretName, items: options.items, defaultMode: options.defaultMode ?? 0o400, optional: options.optional },
    }, 'secret', secretName);
  }

  /** A PersistentVolumeClaim. */
  public static fromClaim(name: string, claimName: string, options: { readonly readOnly?: boolean } = {}): Volume {
    return new Volume(name, { persistentVolumeClaim: { claimName, readOnly: options.readOnly } }, 'persistentVolumeClaim', claimName);
  }

  /** Any other volume source, as the Kubernetes API spells it (escape hatch). */
  public static fromSource(name: string, source: Omit<k8s.Volume, 'name'>): Volume {
    return new Volume(name, source, 'other');
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
    const problems = [...Names.dnsLabel(`${field}.name`, this.name)];
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

  public toK8s(): k8s.Volume {
    return { name: this.name, ...this.source };
  }
}

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
