import * as kplus from 'cdk8s-plus-27';
import { CoreResource } from '../core/core-resource';

/**
 * A Secret of the namespace, named, as cdk8s-plus-27 reads one (`kplus.ISecret`): its constructs
 * take any of the library's Secrets, whoever makes the object (the stack, an operator, the
 * External Secrets operator), in `EnvValue.fromSecretValue`, `Env.fromSecret`, `Volume.fromSecret`
 * and a Role's rules on the object.
 */
export abstract class SecretReference extends CoreResource implements kplus.ISecret {
  /** `Secret`. */
  public readonly kind = 'Secret';
  /** `secrets`, in API paths and RBAC rules. */
  public readonly resourceType = 'secrets';

  /** One key as a cdk8s-plus-27 environment variable (`secretKeyRef`). */
  public envValue(key: string, options?: kplus.EnvValueFromSecretOptions): kplus.EnvValue {
    return kplus.EnvValue.fromSecretValue({ secret: this, key }, options);
  }
}
