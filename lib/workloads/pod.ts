import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Problem } from '../core/problem';
import { RestartPolicy } from './job';
import { Workload, WorkloadProps, WorkloadPropsSchema } from './workload';
import { z } from 'zod';
import { oneOf } from '../core/schema';

/** Runtime shape of {@link PodProps}. @internal */
export const PodPropsSchema = z.strictObject({ ...WorkloadPropsSchema.shape, restartPolicy: oneOf(RestartPolicy).optional() });

/** Props of a {@link Pod}. */
export interface PodProps extends WorkloadProps {
  /**
   * Restart the pod's containers when they exit (`Always`), only when they fail, or never.
   * @default RestartPolicy.ALWAYS
   */
  readonly restartPolicy?: RestartPolicy;
}

/**
 * A bare Pod: no controller recreates it when its node goes away, so it suits examples,
 * debugging shells and one-off tools (a Deployment or Job is what keeps a service or a batch
 * run alive). Same containers, checks and secure defaults as every workload.
 */
export class Pod extends Workload {
  /** The Pod object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  private readonly podProps: PodProps;

  constructor(scope: Construct, id: string, props: PodProps) {
    super(scope, id, props, PodPropsSchema);
    this.podProps = props;
    this.apiObject = new k8s.KubePod(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: Lazy.any({ produce: () => ({ ...this.pod.toK8s(this.environment, this.labels).spec, restartPolicy: props.restartPolicy }) }),
    });
  }

  protected workloadProblems(): Problem[] {
    const policy = this.podProps.restartPolicy;
    return policy === undefined || Object.values(RestartPolicy).includes(policy)
      ? []
      : [{ field: 'restartPolicy', value: policy, message: 'is not a restart policy', fix: 'use Always, OnFailure or Never' }];
  }
}
