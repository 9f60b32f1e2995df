import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { CoreResource } from '../core/core-resource';
import { Names } from '../core/names';
import { addProblems, Problem } from '../core/problem';
import { z } from 'zod';
import { bool, checkProps, constructId, str, stringMap } from '../core/schema';

/** Props of a {@link ConfigMap}. */
export interface ConfigMapProps {
  /**
   * Object name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * `app.kubernetes.io/component` of the ConfigMap.
   * @default - the name
   */
  readonly component?: string;
  /** Keys and values. */
  readonly data: Record<string, string>;
  /**
   * Make the ConfigMap immutable: the kubelet stops watching it.
   * @default false
   */
  readonly immutable?: boolean;
}

/** Runtime shape of {@link ConfigMapProps}; names, keys and the size are checked at synth. @internal */
export const ConfigMapPropsSchema = z.strictObject({
  name: str.optional(),
  component: str.optional(),
  data: stringMap.describe('give an object of string values, e.g. { pageSize: "20" } (numbers and booleans as strings)'),
  immutable: bool.optional(),
});

const KEY = /^[-._a-zA-Z0-9]+$/;

/** The API server's limit on the data of one ConfigMap or Secret (keys and values). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** The size problem of ConfigMap or Secret data: the API server refuses more than 1 MiB (keys and values, UTF-8). */
export function configSizeProblems(kind: string, data: Record<string, string>): Problem[] {
  const bytes = Object.entries(data).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  return bytes > MAX_CONFIG_BYTES ? [{
    field: 'data',
    value: `${bytes} bytes`,
    message: `is larger than the 1 MiB (${MAX_CONFIG_BYTES} bytes) the API server accepts for a ${kind}`,
    fix: `split it into several ${kind}s, or mount large files from a volume instead`,
  }] : [];
}

/**
 * Non-secret configuration. Its {@link contentHash} lets pods that read it roll when it changes.
 *
 * cdk8s-plus-27 constructs take it as a `kplus.IConfigMap`: `EnvValue.fromConfigMap`,
 * `Env.fromConfigMap`, `Volume.fromConfigMap`, and a Role's rules on the object.
 */
export class ConfigMap extends CoreResource implements kplus.IConfigMap {
  /** `ConfigMap`. */
  public readonly kind = 'ConfigMap';
  /** `configmaps`, in API paths and RBAC rules. */
  public readonly resourceType = 'configmaps';
  /** Name of the ConfigMap, as pods refer to it. */
  public readonly name: string;
  /** Its keys and values. */
  public readonly data: Record<string, string>;
  /** The ConfigMap object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ConfigMapProps) {
    super(scope, constructId(scope, id));
    checkProps(this, ConfigMapPropsSchema, props);
    this.name = props.name ?? id;
    this.data = { ...props.data };
    const chart = AppChart.of(this);
    this.apiObject = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { name: this.name, labels: chart.labelsFor({ name: this.name, component: props.component }) },
      data: this.data,
      immutable: props.immutable,
    });
    addProblems(this, () => [
      ...Names.dnsSubdomain('name', this.name),
      ...Object.keys(this.data).filter((k) => k.length > 253 || !KEY.test(k) || k === '__proto__').map((k) => ({
        field: `data.${k}`,
        value: k,
        message: k === '__proto__' ? 'cannot be a key: JavaScript objects and cdk8s drop it' : 'is not a valid ConfigMap key',
        fix: 'use letters, digits, \'-\', \'_\' and \'.\' only',
      })),
      ...configSizeProblems('ConfigMap', this.data),
    ]);
  }

  /** SHA-256 of the data, stable across key order. */
  public get contentHash(): string {
    const sorted = Object.keys(this.data).sort().map((k) => [k, this.data[k]]);
    return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
  }
}
