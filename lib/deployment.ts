import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Problem } from './problem';
import { Workload, WorkloadProps } from './workload';

/** Props of a {@link Deployment}. */
export interface DeploymentProps extends WorkloadProps {
  /**
   * Fixed replica count.
   * @default - the environment's replicas
   */
  readonly replicas?: number;
}

/** A stateless workload: a Deployment whose pods are interchangeable (the notes, 002). */
export class Deployment extends Workload {
  /** The Deployment object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  private replicaCount: number | undefined;

  constructor(scope: Construct, id: string, props: DeploymentProps) {
    super(scope, id, props);
    this.replicaCount = props.replicas ?? this.environment.replicas;
    this.apiObject = new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        replicas: Lazy.any({ produce: () => this.replicaCount }),
        selector: { matchLabels: this.selector },
        template: Lazy.any({ produce: () => this.pod.toK8s(this.environment, this.labels) }),
      },
    });
  }

  /** Replicas the Deployment asks for; `undefined` once an autoscaler owns the count. */
  public get replicas(): number | undefined {
    return this.replicaCount;
  }

  /**
   * Hands the replica count to a controller (an autoscaler): `spec.replicas` is left out, so
   * Argo CD and the controller do not fight over it.
   */
  public releaseReplicas(): void {
    this.replicaCount = undefined;
  }

  protected workloadProblems(): Problem[] {
    const r = this.replicaCount;
    if (r !== undefined && (!Number.isInteger(r) || r < 0)) {
      return [{ field: 'replicas', value: r, message: 'must be a whole number >= 0', fix: 'set replicas to 0 or more, or leave it to the environment' }];
    }
    return [];
  }
}
