import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { CoreResource } from '../core/core-resource';
import { Names } from '../core/names';
import { addProblems } from '../core/problem';
import { z } from 'zod';
import { bool, checkProps, constructId, str } from '../core/schema';

/** Runtime shape of {@link ServiceAccountProps}. @internal */
export const ServiceAccountPropsSchema = z.strictObject({ name: str.optional(), automountToken: bool.optional() });

/** Props of a {@link ServiceAccount}. */
export interface ServiceAccountProps {
  /**
   * Object name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Mount the account's token into every pod that uses it. Off: a pod that talks to the API
   * server asks for the token itself (`automountServiceAccountToken: true` on the workload),
   * so no other pod carries a credential it does not use.
   * @default false
   */
  readonly automountToken?: boolean;
}

/**
 * An identity for pods (the notes, 000 and 004): what RBAC bindings grant permissions to.
 *
 * cdk8s-plus-27 constructs take it as a `kplus.IServiceAccount`: the `serviceAccount` of a
 * kplus workload, and a subject of a kplus RoleBinding or ClusterRoleBinding (`addSubjects`).
 */
export class ServiceAccount extends CoreResource implements kplus.IServiceAccount {
  /** `ServiceAccount`. */
  public readonly kind = 'ServiceAccount';
  /** `serviceaccounts`, in API paths and RBAC rules. */
  public readonly resourceType = 'serviceaccounts';
  /** Name of the ServiceAccount, as pods and bindings refer to it. */
  public readonly name: string;
  /** Namespace the account lives in (the chart's). */
  public readonly namespace?: string;
  /** The ServiceAccount object (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ServiceAccountProps = {}) {
    super(scope, constructId(scope, id));
    AppChart.of(this); // outside an AppChart: a problem at synth
    checkProps(this, ServiceAccountPropsSchema, props);
    this.name = props.name ?? id;
    this.namespace = Chart.of(this).namespace;
    this.apiObject = new k8s.KubeServiceAccount(this, 'Resource', {
      metadata: { name: this.name },
      automountServiceAccountToken: props.automountToken ?? false,
    });
    addProblems(this, () => Names.dnsSubdomain('name', this.name));
  }

  /** As the subject of a cdk8s-plus-27 RoleBinding or ClusterRoleBinding: this account in its namespace. */
  public toSubjectConfiguration(): kplus.SubjectConfiguration {
    return { kind: 'ServiceAccount', apiGroup: '', name: this.name, namespace: this.namespace };
  }

  /** The user name the API server knows the account by, e.g. `system:serviceaccount:dev:pod-reader`. */
  public get userName(): string {
    return `system:serviceaccount:${this.namespace ?? 'default'}:${this.name}`;
  }
}
