import { k8s } from 'cdk8s-plus-27';

/** Variable names that usually carry credentials: a literal value for one is refused at synth. */
const SENSITIVE_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|API_?KEY|PRIVATE_?KEY/i;

/**
 * The value of one environment variable: a literal, a ConfigMap or Secret key, or a pod field.
 *
 * Secret values are only ever referenced (`secretKeyRef`), so they never reach the manifests. A
 * literal for a variable whose name suggests a credential (`DB_PASSWORD`, `API_TOKEN`) is
 * refused unless it is declared with {@link EnvValue.nonSensitive}.
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
    public readonly ref?: {
      /** Kind of the object read. */
      readonly kind: 'ConfigMap' | 'Secret';
      /** Its name. */
      readonly name: string;
      /** The key read. */
      readonly key: string;
      /** Whether the pod starts without it. */
      readonly optional?: boolean;
    },
    /** For literals: whether the caller declared the value publishable. */
    private readonly declaredNonSensitive?: boolean,
  ) {}

  /** Whether this is a literal for a credential-like variable name that was not declared non-sensitive. */
  public looksLikeLiteralSecret(name: string): boolean {
    return this.source.value !== undefined && this.declaredNonSensitive === false && SENSITIVE_NAME.test(name);
  }

  /** The variable `name` as the Kubernetes API takes it (a cdk8s-plus-27 `k8s.EnvVar`). */
  public toK8s(name: string): k8s.EnvVar {
    return { name, ...this.source };
  }
}
