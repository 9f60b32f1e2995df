import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Problem } from '../core/problem';
import { Workload, WorkloadProps, WorkloadPropsSchema } from './workload';
import { z } from 'zod';
import { num, oneOf } from '../core/schema';
import { jobRestartProblems } from '../policy/checks/workload-settings';

/** What the kubelet does when a container of the pod exits. */
export enum RestartPolicy {
  /** Restart whatever the exit code: the policy of long-running pods. Jobs refuse it. */
  ALWAYS = 'Always',
  /** Restart the container in place when it fails. */
  ON_FAILURE = 'OnFailure',
  /** Never restart; the Job controller starts a new pod instead (failed pods stay for their logs). */
  NEVER = 'Never',
}

/** How the completions of a Job are counted. */
export enum CompletionMode {
  /** Any `completions` successful pods finish the Job. */
  NON_INDEXED = 'NonIndexed',
  /** Each index 0..completions-1 must succeed once; pods get `JOB_COMPLETION_INDEX`. */
  INDEXED = 'Indexed',
}

/** What a Job does with its pods: shared by {@link Job} and the job template of a CronJob. */
export interface JobOptions {
  /**
   * What happens when a container exits. The notes (000): Never or OnFailure; Always is refused.
   * @default RestartPolicy.NEVER
   */
  readonly restartPolicy?: RestartPolicy;
  /**
   * Pods that run at the same time (the notes' pingpong runs three).
   * @default - Kubernetes' 1
   */
  readonly parallelism?: number;
  /**
   * Successful pods needed to finish the Job.
   * @default - Kubernetes' 1 (or parallelism, when only parallelism is set)
   */
  readonly completions?: number;
  /**
   * How completions are counted; Indexed needs `completions`.
   * @default CompletionMode.NON_INDEXED
   */
  readonly completionMode?: CompletionMode;
  /**
   * Retries before the Job is marked failed.
   * @default - Kubernetes' 6
   */
  readonly backoffLimit?: number;
  /**
   * Seconds the Job may run in total before its pods are stopped and it fails.
   * @default - no deadline
   */
  readonly activeDeadlineSeconds?: number;
  /**
   * Seconds after the Job finished before it and its pods are deleted.
   * @default - kept until deleted (a CronJob's history limits prune them)
   */
  readonly ttlSecondsAfterFinished?: number;
}

/** Runtime shape of {@link JobOptions}; ranges are checked by {@link jobProblems}. @internal */
export const JobOptionsShape = {
  restartPolicy: oneOf(RestartPolicy).optional(),
  parallelism: num.optional(),
  completions: num.optional(),
  completionMode: oneOf(CompletionMode).optional(),
  backoffLimit: num.optional(),
  activeDeadlineSeconds: num.optional(),
  ttlSecondsAfterFinished: num.optional(),
};

/**
 * The `spec` of a Job for a workload's pod, and the problems of its options. Jobs set no
 * selector: the controller generates one from its own uid, so labels go on the template only.
 */
export function jobSpec(workload: Workload, options: JobOptions): k8s.JobSpec {
  return {
    parallelism: options.parallelism,
    completions: options.completions,
    completionMode: options.completionMode,
    backoffLimit: options.backoffLimit,
    activeDeadlineSeconds: options.activeDeadlineSeconds,
    ttlSecondsAfterFinished: options.ttlSecondsAfterFinished,
    template: Lazy.any({
      produce: () => {
        const template = workload.pod.toK8s(workload.environment, workload.labels);
        return { ...template, spec: { ...template.spec, restartPolicy: options.restartPolicy ?? RestartPolicy.NEVER } };
      },
    }),
  };
}

/** Problems of job options, with fields under `prefix` (e.g. `jobTemplate.`). */
export function jobProblems(options: JobOptions, prefix = ''): Problem[] {
  const problems: Problem[] = [];
  // The same code as the engine's PLT075.
  problems.push(...jobRestartProblems(options.restartPolicy, `${prefix}restartPolicy`, ['RestartPolicy.NEVER', 'RestartPolicy.ON_FAILURE']));
  const numbers: [string, number | undefined, number][] = [
    ['parallelism', options.parallelism, 0],
    ['completions', options.completions, 1],
    ['backoffLimit', options.backoffLimit, 0],
    ['activeDeadlineSeconds', options.activeDeadlineSeconds, 1],
    ['ttlSecondsAfterFinished', options.ttlSecondsAfterFinished, 0],
  ];
  for (const [name, value, min] of numbers) {
    if (value !== undefined && (!Number.isInteger(value) || value < min)) {
      problems.push({ field: `${prefix}${name}`, value, message: `must be a whole number >= ${min}`, fix: `set ${name} to ${min} or more, or leave it out` });
    }
  }
  if (options.completionMode === CompletionMode.INDEXED && options.completions === undefined) {
    problems.push({
      field: `${prefix}completions`,
      value: undefined,
      message: 'is required with the Indexed completion mode (it is the number of indexes)',
      fix: 'set completions to the number of work items',
    });
  }
  return problems;
}

/** Props of a {@link Job}. */
export interface JobProps extends WorkloadProps, JobOptions {}

/** Runtime shape of {@link JobProps}. @internal */
export const JobPropsSchema = z.strictObject({ ...WorkloadPropsSchema.shape, ...JobOptionsShape });

/**
 * Batch work that runs to completion (the notes, 000 and 001): parallel pods, a number of
 * completions, retries and deadlines. Pods run restricted like every other workload.
 */
export class Job extends Workload {
  /** The Job object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  private readonly jobProps: JobProps;

  constructor(scope: Construct, id: string, props: JobProps) {
    super(scope, id, props, JobPropsSchema);
    this.jobProps = props;
    this.apiObject = new k8s.KubeJob(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: jobSpec(this, props),
    });
  }

  protected workloadProblems(): Problem[] {
    return jobProblems(this.jobProps);
  }
}
