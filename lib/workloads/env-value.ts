import { k8s } from 'cdk8s-plus-27';
import { isSecretName } from '../policy/checks/secret-scan';

/**
 * The value of one environment variable: a literal, a ConfigMap or Secret key, or a pod field.
 *
 * Secret values are only ever referenced (`secretKeyRef`), so they never reach the manifests. A
 * literal for a variable whose name suggests a credential (`DB_PASSWORD`, `API_TOKEN`, `MYSQL_PWD`,
 * `AUTH`) is refused unless it is declared with {@link EnvValue.nonSensitive}; the names are read
 * by the same code as the policy engine's secret scanner (PLT091).
 */
export class EnvValue {
  /** A literal value, rendered into the manifest. */
  public static value(value: string): EnvValue {
    return new EnvValue({ value }, undefined, false);
  }

  /** A literal that may be published although the variable's name suggests a credential, e.g. `TOKEN_TTL`. */
  public static nonSensitive(value: string): EnvValue {
    return new EnvValue({ value }, undefined, true);
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
    /** For literals: whether the caller declared the value publishable. */
    private readonly declaredNonSensitive?: boolean,
  ) {}

  /** Whether this is a literal for a credential-like variable name that was not declared non-sensitive. */
  public looksLikeLiteralSecret(name: string): boolean {
    return this.source.value !== undefined && this.declaredNonSensitive === false && isSecretName(name);
  }

  public toK8s(name: string): k8s.EnvVar {
    return { name, ...this.source };
  }
}
