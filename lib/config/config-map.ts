import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { Names } from '../core/names';
import { addProblems } from '../core/problem';

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

const KEY = /^[-._a-zA-Z0-9]+$/;

/** Non-secret configuration. Its {@link contentHash} lets pods that read it roll when it changes. */
export class ConfigMap extends Construct {
  /** Name of the ConfigMap, as pods refer to it. */
  public readonly name: string;
  /** Its keys and values. */
  public readonly data: Record<string, string>;
  /** The ConfigMap object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ConfigMapProps) {
    super(scope, id);
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
      ...Object.keys(this.data).filter((k) => k.length > 253 || !KEY.test(k)).map((k) => ({
        field: `data.${k}`,
        value: k,
        message: 'is not a valid ConfigMap key',
        fix: 'use letters, digits, \'-\', \'_\' and \'.\' only',
      })),
    ]);
  }

  /** SHA-256 of the data, stable across key order. */
  public get contentHash(): string {
    const sorted = Object.keys(this.data).sort().map((k) => [k, this.data[k]]);
    return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
  }
}
