import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { dropNamespace } from '../core/cluster-scope';
import { PodSecurityLevel } from '../core/environment';
import { Annotations } from '../core/labels';
import { LimitRange, LimitRangeProps } from './limit-range';
import { Names } from '../core/names';
import { addProblems } from '../core/problem';
import { ResourceQuota, ResourceQuotaProps, ResourceQuotaPropsSchema } from './resource-quota';
import { LimitRangePropsSchema } from './limit-range';
import { z } from 'zod';
import { checkProps, constructId, oneOf, str } from '../core/schema';

/** Runtime shape of {@link NamespaceProps}. @internal */
export const NamespacePropsSchema = z.strictObject({
  name: str.optional(),
  podSecurity: oneOf(PodSecurityLevel).optional(),
  podSecurityVersion: str.optional(),
  limits: z.union([z.literal(false), LimitRangePropsSchema.omit({ namespace: true })]).optional(),
  quota: z.union([z.literal(false), ResourceQuotaPropsSchema.omit({ namespace: true })]).optional(),
});

/** Props of a {@link Namespace}. */
export interface NamespaceProps {
  /**
   * Namespace name.
   * @default - the environment's namespace
   */
  readonly name?: string;
  /**
   * Pod Security Standards level the namespace enforces. Audit and warn stay at restricted,
   * so anything less than restricted is still reported.
   * @default - the environment's podSecurity
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Kubernetes version of the Pod Security Standards, pinned so that a cluster upgrade does
   * not tighten the rules under running workloads.
   * @default 'v1.27'
   */
  readonly podSecurityVersion?: string;
  /**
   * Container defaults and bounds; `false` for none. Starts from the environment's preset
   * (`fromEnvironment: true`); the bounds given override it.
   * @default - a LimitRange sized by the environment
   */
  readonly limits?: Omit<LimitRangeProps, 'namespace'> | false;
  /**
   * Resource ceiling; `false` for none. Starts from the environment's preset
   * (`fromEnvironment: true`); the amounts given override it.
   * @default - a ResourceQuota sized by the environment
   */
  readonly quota?: Omit<ResourceQuotaProps, 'namespace'> | false;
}

const PSA = 'pod-security.kubernetes.io';
/** Annotation naming the Pod Security level a namespace enforces when it is below restricted. */
export const POD_SECURITY_EXCEPTION = `${Annotations.PREFIX}/pod-security-exception`;

/**
 * An environment's namespace (the notes, 004: one per environment): Pod Security Admission
 * labels, a LimitRange and a ResourceQuota. Cluster-scoped, so it carries no namespace itself;
 * the LimitRange and ResourceQuota are created inside it.
 */
export class Namespace extends Construct {
  /** Name of the Namespace. */
  public readonly name: string;
  /** The Namespace object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  /** Its LimitRange, unless turned off. */
  public readonly limitRange?: LimitRange;
  /** Its ResourceQuota, unless turned off. */
  public readonly quota?: ResourceQuota;

  constructor(scope: Construct, id: string, props: NamespaceProps = {}) {
    super(scope, constructId(scope, id));
    checkProps(this, NamespacePropsSchema, props);
    const env = AppChart.of(this).environment;
    this.name = props.name ?? env.namespace;
    const level = props.podSecurity ?? env.podSecurity;
    const version = props.podSecurityVersion ?? 'v1.27';
    const labels: Record<string, string> = {
      [`${PSA}/enforce`]: level,
      [`${PSA}/enforce-version`]: version,
      [`${PSA}/audit`]: PodSecurityLevel.RESTRICTED,
      [`${PSA}/audit-version`]: version,
      [`${PSA}/warn`]: PodSecurityLevel.RESTRICTED,
      [`${PSA}/warn-version`]: version,
    };
    this.apiObject = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: this.name,
        labels,
        annotations: level === PodSecurityLevel.RESTRICTED ? undefined : { [POD_SECURITY_EXCEPTION]: `enforces ${level}, not restricted` },
      },
    });
    dropNamespace(this.apiObject);
    if (props.limits !== false) {
      this.limitRange = new LimitRange(this, 'limits', { fromEnvironment: true, ...props.limits, namespace: this.name });
    }
    if (props.quota !== false) {
      this.quota = new ResourceQuota(this, 'quota', { fromEnvironment: true, ...props.quota, namespace: this.name });
    }
    addProblems(this, () => [
      ...Names.dnsLabel('name', this.name),
      ...(/^v1\.\d+$|^latest$/.test(version) ? [] : [{ field: 'podSecurityVersion', value: version, message: 'is not a Pod Security version', fix: 'use "v1.27" (or "latest", which changes with cluster upgrades)' }]),
    ]);
  }
}
