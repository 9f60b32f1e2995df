import { Problem } from '../core/problem';
import { checkArguments, num, refusedArgumentsOf, schemaProblems, str } from '../core/schema';

/** The macros the CronJob controller accepts (robfig/cron), each a fixed five-field schedule. */
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** The five fields in order, with their ranges and the names they accept. */
const FIELDS: { name: string; min: number; max: number; names?: string[]; namesFrom?: number }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  // 7 is Sunday too, as in crontab(5).
  { name: 'day of week', min: 0, max: 7, names: DAYS, namesFrom: 0 },
];

/**
 * When a CronJob runs: five cron fields (minute hour day-of-month month day-of-week) with
 * ranges, steps, lists and month/day names, or a macro such as `@hourly`. The notes (000, 001):
 * the format is the one of crontab. Checked at synth, because the API server accepts the object
 * and the controller then silently never runs it.
 */
export class CronSchedule {
  /** Every minute (the notes' pingpong CronJob, `*\/1 * * * *`). */
  public static readonly EVERY_MINUTE = new CronSchedule('*/1 * * * *');
  /** At minute 0 of every hour. */
  public static readonly HOURLY = new CronSchedule('@hourly');
  /** At midnight. */
  public static readonly DAILY = new CronSchedule('@daily');
  /** At midnight between Saturday and Sunday. */
  public static readonly WEEKLY = new CronSchedule('@weekly');
  /** At midnight on the first of the month. */
  public static readonly MONTHLY = new CronSchedule('@monthly');

  /** A cron expression or macro, as written in a crontab. */
  public static expression(expression: string): CronSchedule {
    const refused = schemaProblems(str.describe('give the schedule as a string, e.g. "*/5 * * * *"'), expression, '', '');
    return checkArguments(new CronSchedule(refused.length ? '' : expression), refused);
  }

  /** Every `minutes` minutes, starting at minute 0 of the hour. */
  public static everyMinutes(minutes: number): CronSchedule {
    const refused = schemaProblems(num, minutes, '', 'minutes');
    return checkArguments(new CronSchedule(`*/${refused.length ? 1 : minutes} * * * *`), refused);
  }

  /** Once a day at a fixed time (in the CronJob's time zone). */
  public static dailyAt(hour: number, minute = 0): CronSchedule {
    const refused = [...schemaProblems(num, hour, '', 'hour'), ...schemaProblems(num, minute, '', 'minute')];
    return checkArguments(new CronSchedule(refused.length ? '0 0 * * *' : `${minute} ${hour} * * *`), refused);
  }

  /**
   * @param expression The five-field cron expression.
   */
  private constructor(public readonly expression: string) {}

  /** The five-field cron expression. */
  public toString(): string {
    return this.expression;
  }

  /** What is wrong with the expression; empty when the controller accepts it. */
  public problems(field: string): Problem[] {
    const refused = refusedArgumentsOf(this, field);
    if (refused.length) return refused;
    const expr = this.expression.trim();
    const problem = (message: string, fix: string): Problem[] => [{ field, value: this.expression, message, fix }];
    if (/^(CRON_)?TZ=/.test(expr)) {
      return problem('sets the time zone inside the schedule, which Kubernetes refuses', 'remove the TZ= prefix and set timeZone instead');
    }
    if (expr.startsWith('@')) {
      if (expr === '@reboot') {
        return problem('@reboot has no meaning for a CronJob (there is no machine boot)', 'use a Job for one-off work, or a time-based schedule');
      }
      if (expr.startsWith('@every')) {
        return problem('@every is not a cron schedule and runs at times relative to the controller start', 'write the interval as cron fields, e.g. "*/5 * * * *"');
      }
      return MACROS[expr] ? [] : problem('is not a known macro', `use one of ${Object.keys(MACROS).join(', ')}, or five cron fields`);
    }
    const parts = expr.split(/\s+/);
    if (parts.length !== 5) {
      return problem(`has ${parts.length} field(s), but a schedule has five: minute hour day-of-month month day-of-week`, 'write e.g. "*/5 * * * *" (every five minutes) or a macro such as @hourly');
    }
    return parts.flatMap((part, i) => fieldProblems(part, FIELDS[i]).map((message) => ({
      field,
      value: this.expression,
      message: `${FIELDS[i].name} field "${part}" ${message}`,
      fix: `use values ${FIELDS[i].min}-${FIELDS[i].max}${FIELDS[i].names ? ` or names (${FIELDS[i].names!.join(', ')})` : ''}, written as *, a, a-b, a-b/step, */step or a,b lists`,
    })));
  }
}

/** Problems of one field: each comma-separated item is `*`, a value or range, with an optional step. */
function fieldProblems(part: string, spec: (typeof FIELDS)[number]): string[] {
  const problems: string[] = [];
  for (const item of part.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined || range === '') {
      problems.push(`has a malformed item "${item}"`);
      continue;
    }
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= spec.max)) {
      problems.push(`has step "${step}", which must be a whole number 1-${spec.max}`);
    }
    if (range === '*' || range === '?') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) {
      problems.push(`has a malformed range "${range}"`);
      continue;
    }
    const values = bounds.map((b) => valueOf(b, spec));
    values.forEach((v, i) => {
      if (v === undefined) problems.push(`has "${bounds[i]}", which is not a number${spec.names ? ' or name' : ''}`);
      else if (v < spec.min || v > spec.max) problems.push(`has ${v}, outside ${spec.min}-${spec.max}`);
    });
    const [from, to] = values;
    if (from !== undefined && to !== undefined && from > to) {
      problems.push(`has the range "${range}", which runs backwards`);
    }
  }
  return problems;
}

function valueOf(token: string, spec: (typeof FIELDS)[number]): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  const index = spec.names?.indexOf(token.toLowerCase()) ?? -1;
  return index >= 0 ? index + spec.namesFrom! : undefined;
}
