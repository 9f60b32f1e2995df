import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/**
 * A named object of the core API group (`v1`) in the namespace, as cdk8s-plus-27 addresses one
 * (`kplus.IResource`): by name in references, and in RBAC rules on the object alone. The library's
 * ConfigMap, Secrets and ServiceAccount extend it.
 */
export abstract class CoreResource extends Construct implements kplus.IResource {
  /** The object's name. */
  public abstract readonly name: string;
  /** The object's kind, e.g. `ConfigMap`. */
  public abstract readonly kind: string;
  /** The resource type in API paths and RBAC rules, e.g. `configmaps`. */
  public abstract readonly resourceType: string;

  /** The object's API version, `v1`. */
  public get apiVersion(): string {
    return 'v1';
  }

  /** The API group: the core group, `''` (for RBAC rules and subjects). */
  public get apiGroup(): string {
    return '';
  }

  /** The object's name, so that an RBAC rule on it covers this object only. */
  public get resourceName(): string {
    return this.name;
  }
}
