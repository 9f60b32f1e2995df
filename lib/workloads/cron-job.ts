import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CronSchedule } from './cron-schedule';
import { JobOptions, JobOptionsShape, jobProblems, jobSpec } from './job';
import { z } from 'zod';
import { bool, instanceOf, num, oneOf, str } from '../core/schema';
import { Names } from '../core/names';
import { Problem } from '../core/problem';
import { Workload, WorkloadProps, WorkloadPropsSchema } from './workload';

/** What the controller does when a run is due while the previous one still runs (the notes, 001). */
export enum ConcurrencyPolicy {
  /** Start the new run next to the old one. */
  ALLOW = 'Allow',
  /** Skip the new run. */
  FORBID = 'Forbid',
  /** Stop the old run and start the new one. */
  REPLACE = 'Replace',
}

/** Props of a {@link CronJob}. */
export interface CronJobProps extends WorkloadProps, JobOptions {
  /** When the Job runs. */
  readonly schedule: CronSchedule;
  /**
   * IANA time zone of the schedule, e.g. `Europe/Berlin`.
   * @default - the time zone of the kube-controller-manager
   */
  readonly timeZone?: string;
  /**
   * What to do when a run is due while the previous one still runs. Explicit, because the
   * Kubernetes default (Allow) lets slow runs pile up.
   * @default ConcurrencyPolicy.FORBID
   */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * Seconds after the scheduled time a missed run may still start.
   * @default - no deadline
   */
  readonly startingDeadlineSeconds?: number;
  /**
   * Finished successful Jobs kept.
   * @default - Kubernetes' 3
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Finished failed Jobs kept (for their logs).
   * @default - Kubernetes' 1
   */
  readonly failedJobsHistoryLimit?: number;
  /**
   * Stop scheduling new runs; running ones continue.
   * @default false
   */
  readonly suspend?: boolean;
}

/** Runtime shape of {@link CronJobProps}; the schedule, zone and ranges are checked at synth. @internal */
export const CronJobPropsSchema = z.strictObject({
  ...WorkloadPropsSchema.shape,
  ...JobOptionsShape,
  schedule: instanceOf(CronSchedule, 'a CronSchedule', 'use CronSchedule.expression("*/5 * * * *"), CronSchedule.HOURLY or CronSchedule.dailyAt(3)'),
  timeZone: str.optional(),
  concurrencyPolicy: oneOf(ConcurrencyPolicy).optional(),
  startingDeadlineSeconds: num.optional(),
  successfulJobsHistoryLimit: num.optional(),
  failedJobsHistoryLimit: num.optional(),
  suspend: bool.optional(),
});

/** Runs a Job on a schedule (the notes' pingpong CronJob, 000). */
export class CronJob extends Workload {
  /** The CronJob object (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  private readonly cronProps: CronJobProps;

  constructor(scope: Construct, id: string, props: CronJobProps) {
    super(scope, id, props, CronJobPropsSchema);
    this.cronProps = props;
    this.apiObject = new k8s.KubeCronJob(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        schedule: props.schedule.expression,
        timeZone: props.timeZone,
        concurrencyPolicy: props.concurrencyPolicy ?? ConcurrencyPolicy.FORBID,
        startingDeadlineSeconds: props.startingDeadlineSeconds,
        successfulJobsHistoryLimit: props.successfulJobsHistoryLimit,
        failedJobsHistoryLimit: props.failedJobsHistoryLimit,
        suspend: props.suspend,
        jobTemplate: { metadata: { labels: this.labels }, spec: jobSpec(this, props) },
      },
    });
  }

  protected workloadProblems(): Problem[] {
    const p = this.cronProps;
    const problems: Problem[] = [
      ...p.schedule.problems('schedule'),
      ...jobProblems(p, 'jobTemplate.'),
    ];
    // Job names are the CronJob name plus an 11-character suffix, and must stay a DNS label.
    if (this.name.length > 52 && this.name.length <= 63) {
      problems.push(...Names.dnsLabel('name', this.name, 52).map((x) => ({ ...x, message: `${x.message}: Jobs append an 11-character suffix` })));
    }
    if (p.timeZone !== undefined && !isTimeZone(p.timeZone)) {
      problems.push({ field: 'timeZone', value: p.timeZone, message: 'is not an IANA time zone', fix: 'use a name such as "Etc/UTC" or "Europe/Berlin"' });
    }
    for (const [name, value, min] of [['startingDeadlineSeconds', p.startingDeadlineSeconds, 1], ['successfulJobsHistoryLimit', p.successfulJobsHistoryLimit, 0], ['failedJobsHistoryLimit', p.failedJobsHistoryLimit, 0]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < min)) {
        problems.push({ field: name, value, message: `must be a whole number >= ${min}`, fix: `set ${name} to ${min} or more, or leave it out` });
      }
    }
    return problems;
  }
}

/** Whether the runtime's time zone database knows the zone (the controller uses the same IANA database). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone !== '' && !/^[+-]/.test(zone) && zone.toLowerCase() !== 'local';
  } catch {
    return false;
  }
}
