import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { z } from 'zod';
import { Problem } from '../core/problem';
import { bool, checkArguments, refName, refusedArgumentsOf, schemaProblems, str } from '../core/schema';
import { isSecretName } from '../policy/checks/secret-scan';

const LITERAL = z.strictObject({ value: str.describe('give the value as a string, e.g. "8080" rather than 8080') });
const KEY_REF = z.strictObject({ name: str, key: str, options: z.strictObject({ optional: bool.optional() }) });
const FIELD_REF = z.strictObject({ fieldPath: str.describe('give a pod field path such as "metadata.name" or "status.podIP"') });

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
    return checkArguments(new EnvValue({ value }, undefined, false), schemaProblems(LITERAL, { value }));
  }

  /** A literal that may be published although the variable's name suggests a credential, e.g. `TOKEN_TTL`. */
  public static nonSensitive(value: string): EnvValue {
    return checkArguments(new EnvValue({ value }, undefined, true), schemaProblems(LITERAL, { value }));
  }

  /** A key of a ConfigMap, given by name or as a cdk8s-plus-27 ConfigMap. */
  public static fromConfigMap(configMap: string | kplus.IConfigMap, key: string, options: { readonly optional?: boolean } = {}): EnvValue {
    const name = refName(configMap);
    return checkArguments(new EnvValue({ valueFrom: { configMapKeyRef: { name, key, optional: options?.optional } } }, { kind: 'ConfigMap', name, key, optional: options?.optional }),
    schemaProblems(KEY_REF, { name, key, options }));
  }

  /**
   * A key of a Secret, given by name or as a cdk8s-plus-27 Secret, resolved by the kubelet: the
   * value never appears in the manifest.
   */
  public static fromSecret(secret: string | kplus.ISecret, key: string, options: { readonly optional?: boolean } = {}): EnvValue {
    const name = refName(secret);
    return checkArguments(new EnvValue({ valueFrom: { secretKeyRef: { name, key, optional: options?.optional } } }, { kind: 'Secret', name, key, optional: options?.optional }),
    schemaProblems(KEY_REF, { name, key, options }));
  }

  /** A field of the pod, e.g. `metadata.name`, `status.podIP`. */
  public static fromField(fieldPath: string): EnvValue {
    return checkArguments(new EnvValue({ valueFrom: { fieldRef: { fieldPath } } }), schemaProblems(FIELD_REF, { fieldPath }));
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
    return this.source.value !== undefined && this.declaredNonSensitive === false && isSecretName(name);
  }

  /** Problems of the arguments the value was made from, under `field`. */
  public problems(field: string): Problem[] {
    return refusedArgumentsOf(this, field);
  }

  /** The variable `name` as the Kubernetes API takes it (a cdk8s-plus-27 `k8s.EnvVar`). */
  public toK8s(name: string): k8s.EnvVar {
    return { name, ...this.source };
  }
}
