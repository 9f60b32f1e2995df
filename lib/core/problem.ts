import { ApiObject } from 'cdk8s';
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
  /**
   * The policy rule the problem is a finding of, when the check is policy rather than
   * correctness: `Waiver.add(construct, rule, reason)` waives it like an engine rule.
   * @default - not waivable
   */
  readonly rule?: string;
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
  // A policy finding names its rule first, as the engine's do: `PLT072 field: ...`.
  scope.node.addValidation({
    validate: () => check().filter((p) => !p.rule || !waived(scope, p.rule)).map((p) => `${p.rule ? `${p.rule} ` : ''}${formatProblem(p)}`),
  });
}

/** The annotation prefix of waivers (see Waiver in lib/policy). */
const WAIVER_PREFIX = 'k8s-constructs.io/waive.';

/** Whether an API object of the construct carries a waiver with a reason for the rule. */
function waived(scope: IConstruct, rule: string): boolean {
  return scope.node.findAll().some((c) => {
    const metadata = (c as any).metadata;
    if (!ApiObject.isApiObject(c) || !metadata) return false;
    return String(metadata.toJson().annotations?.[`${WAIVER_PREFIX}${rule}`] ?? '').trim() !== '';
  });
}
