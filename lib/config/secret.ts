import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SecretReference } from './secret-reference';
import { AppChart } from '../core/app-chart';
import { IConfigSource } from '../core/config-hash';
import { EnvValue } from '../workloads/env-value';
import { Names } from '../core/names';
import { addProblems } from '../core/problem';
import { configSizeProblems } from './config-map';
import { z } from 'zod';
import { bool, checkArguments, checkProps, constructId, refusedArgumentsOf, schemaProblems, str } from '../core/schema';
import { Waiver } from '../policy/waiver';
import { ProjectedVolumeOptions, Volume } from '../workloads/volume';

const KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * A value written into a Secret manifest. There is deliberately no way to make one from a
 * credential: manifests end up in git (`dist/`), so real secrets come from the cluster
 * ({@link ExistingSecret}) or from a secret manager ({@link ExternalSecret}).
 */
export class SecretValue {
  /**
   * A value that may be published: a public certificate, a test fixture, a hash that is useless
   * without the password. The name says so in every review.
   */
  public static nonSensitive(value: string): SecretValue {
    return checkArguments(new SecretValue(value), schemaProblems(str.describe('give the value as a string'), value, '', ''));
  }

  /**
   * @param value The value, as given.
   */
  private constructor(public readonly value: string) {}
}

/** Props of a {@link Secret}. */
export interface SecretProps {
  /**
   * Object name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * `app.kubernetes.io/component` of the Secret.
   * @default - the name
   */
  readonly component?: string;
  /** Keys and values; each value must be declared non-sensitive. */
  readonly data: Record<string, SecretValue>;
  /**
   * Secret type, e.g. `kubernetes.io/tls`.
   * @default 'Opaque'
   */
  readonly type?: string;
  /**
   * Make the Secret immutable: the kubelet stops watching it.
   * @default false
   */
  readonly immutable?: boolean;
}

/**
 * Runtime shape of {@link SecretProps}. Values are checked at synth, where a value that is not a
 * SecretValue is reported without showing it.
 * @internal
 */
export const SecretPropsSchema = z.strictObject({
  name: str.optional(),
  component: str.optional(),
  data: z.record(str.refine((k) => k !== '__proto__', { message: 'cannot be a key: JavaScript objects drop it' }), z.unknown())
    .describe('give an object of SecretValue.nonSensitive(...) values'),
  type: str.optional(),
  immutable: bool.optional(),
});

/**
 * A Secret whose values are written into the manifests (as `stringData`), so only values marked
 * {@link SecretValue.nonSensitive} are accepted. Pods that read it roll when it changes.
 *
 * cdk8s-plus-27 constructs take it as a `kplus.ISecret` (see {@link SecretReference}).
 */
export class Secret extends SecretReference implements IConfigSource {
  public readonly configKind = 'Secret';
  public readonly name: string;
  public readonly keys: readonly string[];
  /** The Secret object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  private readonly data: Record<string, string>;

  constructor(scope: Construct, id: string, props: SecretProps) {
    super(scope, constructId(scope, id));
    checkProps(this, SecretPropsSchema, props);
    this.name = props.name ?? id;
    this.data = Object.fromEntries(Object.entries(props.data).map(([k, v]) => [k, v instanceof SecretValue && typeof v.value === 'string' ? v.value : '']));
    this.keys = Object.keys(this.data);
    const chart = AppChart.of(this);
    this.apiObject = new k8s.KubeSecret(this, 'Resource', {
      metadata: { name: this.name, labels: chart.labelsFor({ name: this.name, component: props.component }) },
      type: props.type ?? 'Opaque',
      stringData: this.data,
      immutable: props.immutable,
    });
    // Every value is a SecretValue.nonSensitive(): publishable, so data in the manifests is accepted (PLT090).
    Waiver.add(this.apiObject, 'PLT090', 'values declared non-sensitive with SecretValue.nonSensitive()');
    addProblems(this, () => [
      ...Names.dnsSubdomain('name', this.name),
      ...Object.entries(props.data).flatMap(([k, v]) => [
        ...(k.length > 253 || !KEY.test(k) ? [{ field: `data.${k}`, value: k, message: 'is not a valid Secret key', fix: 'use letters, digits, \'-\', \'_\' and \'.\' only' }] : []),
        ...(v instanceof SecretValue ? refusedArgumentsOf(v, `data.${k}`) : [{
          field: `data.${k}`,
          value: '<hidden>',
          message: 'is not a SecretValue: a credential would be written into the manifests',
          fix: 'keep credentials out of the stack (ExistingSecret, ExternalSecret); wrap publishable values in SecretValue.nonSensitive()',
        }]),
      ]),
      ...configSizeProblems('Secret', this.data),
    ]);
  }

  /** One key as an environment variable (`secretKeyRef`). */
  public env(key: string): EnvValue {
    return EnvValue.fromSecret(this.name, key);
  }

  /** The Secret as a volume (files read-only, mode 0400 unless given). */
  public volume(volumeName: string, options: ProjectedVolumeOptions = {}): Volume {
    return Volume.fromSecret(volumeName, this.name, options);
  }

  /** SHA-256 of the data, stable across key order. */
  public get contentHash(): string {
    return createHash('sha256').update(JSON.stringify(Object.keys(this.data).sort().map((k) => [k, this.data[k]]))).digest('hex');
  }
}
