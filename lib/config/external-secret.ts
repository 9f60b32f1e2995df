import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as eso from '../../imports/external-secrets-external-secrets.io';
import { AppChart } from '../core/app-chart';
import { IConfigSource } from '../core/config-hash';
import { EnvValue } from '../workloads/env-value';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { z } from 'zod';
import { bool, checkProps, constructId, str } from '../core/schema';
import { ProjectedVolumeOptions, Volume } from '../workloads/volume';
import { SecretReference } from './secret-reference';

const KEY = /^[-._a-zA-Z0-9]+$/;
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/** Where one key of the Secret comes from in the secret manager. */
export interface RemoteKey {
  /** Key (path) of the secret in the store. */
  readonly key: string;
  /**
   * Property inside a structured (JSON) secret.
   * @default - the whole value
   */
  readonly property?: string;
  /**
   * Version of the secret.
   * @default - the latest version
   */
  readonly version?: string;
}

/** The SecretStore or ClusterSecretStore an ExternalSecret reads from. */
export interface SecretStoreRef {
  /** Store name. */
  readonly name: string;
  /**
   * A cluster-wide store instead of one in the namespace.
   * @default false
   */
  readonly clusterWide?: boolean;
}

/** Props of an {@link ExternalSecret}. */
export interface ExternalSecretProps {
  /**
   * Name of the ExternalSecret and of the Secret it makes.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * `app.kubernetes.io/component`.
   * @default - the name
   */
  readonly component?: string;
  /** The store the values come from. */
  readonly store: SecretStoreRef;
  /** Keys of the Secret, each with the remote secret it is copied from. */
  readonly data: Record<string, RemoteKey>;
  /**
   * How often the operator re-reads the store (Go duration).
   * @default '1h'
   */
  readonly refreshInterval?: string;
}

/** Runtime shape of {@link ExternalSecretProps}; names, keys and the interval are checked at synth. @internal */
export const ExternalSecretPropsSchema = z.strictObject({
  name: str.optional(),
  component: str.optional(),
  store: z.strictObject({ name: str, clusterWide: bool.optional() }),
  data: z.record(str, z.strictObject({ key: str, property: str.optional(), version: str.optional() }))
    .describe('map each Secret key to its remote key, e.g. { password: { key: "db/password" } }'),
  refreshInterval: str.optional(),
});

/**
 * A Secret made by the External Secrets operator from a secret manager (external-secrets.io/v1).
 * Only the mapping is rendered, never a value. Pods reading it roll when the mapping changes;
 * rotation of the remote value itself is the operator's business.
 */
export class ExternalSecret extends SecretReference implements IConfigSource {
  public readonly configKind = 'Secret';
  public readonly name: string;
  public readonly keys: readonly string[];
  /** The ExternalSecret object (escape hatch). */
  public readonly apiObject: ApiObject;
  private readonly spec: eso.ExternalSecretSpec;

  constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, constructId(scope, id));
    checkProps(this, ExternalSecretPropsSchema, props);
    this.name = props.name ?? id;
    this.keys = Object.keys(props.data);
    const chart = AppChart.of(this);
    const refreshInterval = props.refreshInterval ?? '1h';
    this.spec = {
      refreshInterval,
      secretStoreRef: {
        name: props.store.name,
        kind: props.store.clusterWide ? eso.ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE : eso.ExternalSecretSpecSecretStoreRefKind.SECRET_STORE,
      },
      target: { name: this.name, creationPolicy: eso.ExternalSecretSpecTargetCreationPolicy.OWNER },
      data: Object.entries(props.data).map(([secretKey, remote]) => ({
        secretKey,
        remoteRef: { key: remote.key, property: remote.property, version: remote.version },
      })),
    };
    this.apiObject = new eso.ExternalSecret(this, 'Resource', {
      metadata: { name: this.name, labels: chart.labelsFor({ name: this.name, component: props.component }) },
      spec: this.spec,
    });
    addProblems(this, () => {
      const problems: Problem[] = [...Names.dnsSubdomain('name', this.name), ...Names.dnsSubdomain('store.name', props.store.name)];
      if (this.keys.length === 0) {
        problems.push({ field: 'data', value: {}, message: 'maps no keys', fix: 'map at least one Secret key to a remote key' });
      }
      for (const [k, remote] of Object.entries(props.data)) {
        if (k.length > 253 || !KEY.test(k)) {
          problems.push({ field: `data.${k}`, value: k, message: 'is not a valid Secret key', fix: 'use letters, digits, \'-\', \'_\' and \'.\' only' });
        }
        if (!remote.key) {
          problems.push({ field: `data.${k}.key`, value: remote.key, message: 'is empty', fix: 'give the path of the secret in the store' });
        }
      }
      if (!DURATION.test(refreshInterval)) {
        problems.push({ field: 'refreshInterval', value: refreshInterval, message: 'is not a Go duration', fix: 'e.g. "1h" or "15m"' });
      }
      return problems;
    });
  }

  /** Hash of the mapping (store, keys, remote refs): never of a value, which the stack does not know. */
  public get contentHash(): string {
    return createHash('sha256').update(JSON.stringify(this.spec)).digest('hex');
  }

  /** One key as an environment variable (`secretKeyRef`). */
  public env(key: string): EnvValue {
    return EnvValue.fromSecret(this.name, key);
  }

  /** The Secret as a volume (files read-only, mode 0400 unless given). */
  public volume(volumeName: string, options: ProjectedVolumeOptions = {}): Volume {
    return Volume.fromSecret(volumeName, this.name, options);
  }
}
