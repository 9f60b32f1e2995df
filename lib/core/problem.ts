import { IConstruct } from 'constructs';

/**
 * One refused input, described so that the reader can fix it without reading the library.
 *
 * cdk8s prefixes every validation message with the construct path, so a rendered problem reads
 * `[dev/journal/frontend] spec.replicas: must be >= 1 (got 0). Fix: ...`.
 */
export interface Problem {
  /** Dotted path of the offending prop or manifest field, e.g. `containers[0].image`. */
  readonly field: string;
  /** The value that was refused (rendered with JSON.stringify). */
  readonly value: unknown;
  /** What is wrong, in a few words. */
  readonly message: string;
  /** What to do instead. */
  readonly fix: string;
}

/** Renders a problem as one line: field, message, value and fix. */
export function formatProblem(p: Problem): string {
  return `${p.field}: ${p.message} (got ${renderValue(p.value)}). Fix: ${p.fix}`;
}

function renderValue(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  } catch {
    json = undefined;
  }
  if (json === undefined) {
    try {
      json = String(value);
    } catch {
      json = Object.prototype.toString.call(value);
    }
  }
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

/**
 * Registers a validation that reports every problem `check` returns.
 *
 * The check runs at synth time, after all props and mutators have been applied, so it sees the
 * final state of the construct.
 */
export function addProblems(scope: IConstruct, check: () => Problem[]): void {
  scope.node.addValidation({ validate: () => check().map(formatProblem) });
}
