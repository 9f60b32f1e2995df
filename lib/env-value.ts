import { k8s } from 'cdk8s-plus-27';

/**
 * The value of one environment variable: a literal, a ConfigMap or Secret key, or a pod field.
 *
 * Secret values are only ever referenced (`secretKeyRef`); the literal variant refuses nothing,
 * so pass credentials through {@link EnvValue.fromSecret}.
 */
export class EnvValue {
  /** A literal value, rendered into the manifest. */
  public static value(value: string): EnvValue {
    return new EnvValue({ value });
  }

  /** A key of a ConfigMap. */
  public static fromConfigMap(configMapName: string, key: string, options: { readonly optional?: boolean } = {}): EnvValue {
    return new EnvValue({ valueFrom: { configMapKeyRef: { name: configMapName, key, optional: options.optional } } }, { kind: 'ConfigMap', name: configMapName, key, optional: options.optional });
  }

  /** A key of a Secret, resolved by the kubelet: the value never appears in the manifest. */
  public static fromSecret(secretName: string, key: string, options: { readonly optional?: boolean } = {}): EnvValue {
    return new EnvValue({ valueFrom: { secretKeyRef: { name: secretName, key, optional: options.optional } } }, { kind: 'Secret', name: secretName, key, optional: options.optional });
  }

  /** A field of the pod, e.g. `metadata.name`, `status.podIP`. */
  public static fromField(fieldPath: string): EnvValue {
    return new EnvValue({ valueFrom: { fieldRef: { fieldPath } } });
  }

  private constructor(
    private readonly source: Omit<k8s.EnvVar, 'name'>,
    /** The ConfigMap or Secret key this value reads, if any. */
    public readonly ref?: { readonly kind: 'ConfigMap' | 'Secret'; readonly name: string; readonly key: string; readonly optional?: boolean },
  ) {}

  public toK8s(name: string): k8s.EnvVar {
    return { name, ...this.source };
  }
}
