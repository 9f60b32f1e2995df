import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/**
 * A Secret of the namespace, named, as cdk8s-plus-27 reads one (`kplus.ISecret`): its constructs
 * take any of the library's Secrets, whoever makes the object (the stack, an operator, the
 * External Secrets operator), in `EnvValue.fromSecretValue`, `Env.fromSecret`, `Volume.fromSecret`
 * and a Role's rules on the object.
 */
export abstract class SecretReference extends Construct implements kplus.ISecret {
  /** Name of the Secret in the namespace. */
  public abstract readonly name: string;

  /** One key as a cdk8s-plus-27 environment variable (`secretKeyRef`). */
  public envValue(key: string, options?: kplus.EnvValueFromSecretOptions): kplus.EnvValue {
    return kplus.EnvValue.fromSecretValue({ secret: this, key }, options);
  }

  /** The Secret's API version, `v1`. */
  public get apiVersion(): string {
    return 'v1';
  }

  /** The Secret's kind, `Secret`. */
  public get kind(): string {
    return 'Secret';
  }

  /** The API group: the core group, `''` (for RBAC rules). */
  public get apiGroup(): string {
    return '';
  }

  /** The resource type in API paths and RBAC rules: `secrets`. */
  public get resourceType(): string {
    return 'secrets';
  }

  /** The Secret's name, so that an RBAC rule on it covers this object only. */
  public get resourceName(): string {
    return this.name;
  }
}
