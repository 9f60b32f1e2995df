import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Annotations } from '../core/labels';
import { addProblems } from '../core/problem';
import { ProblemError } from '../core/schema';

const PREFIX = `${Annotations.PREFIX}/waive.`;

/** A rule id such as `PLT050`: typos like `PTL050` fail to compile. */
export type RuleId = `PLT${number}`;
const RULE_ID = /^PLT[0-9]{3}$/;

/**
 * A reviewed exception to one policy rule for one object. It is written into the object as the
 * annotation `k8s-constructs.io/waive.<rule>: <reason>`, so the reason travels with the YAML a
 * reviewer reads; the engine skips that rule for that object (and for its pods).
 */
export class Waiver {
  /** The annotation key that waives a rule. */
  public static annotationKey(rule: string): string {
    return `${PREFIX}${rule}`;
  }

  /**
   * Waives `rule` for an object: an ApiObject, or a construct with one object (its `apiObject`,
   * else its only ApiObject). An empty reason, an unknown id or a construct without a single
   * object is refused at synth.
   */
  public static add(target: ApiObject | IConstruct, rule: RuleId, reason: string): void {
    if (!Construct.isConstruct(target)) {
      throw new ProblemError([{ field: 'waiver.target', value: target === null ? null : typeof target, message: 'must be a construct or an ApiObject', fix: 'waive on the workload or on its apiObject' }]);
    }
    const objects = target instanceof ApiObject ? [target]
      : (target as any).apiObject instanceof ApiObject ? [(target as any).apiObject as ApiObject]
        : target.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    addProblems(target, () => [
      ...(typeof rule === 'string' && RULE_ID.test(rule) ? [] : [{ field: 'waiver.rule', value: rule, message: 'is not a rule id', fix: 'use an id from docs/rules.md, e.g. "PLT050"' }]),
      ...(typeof reason === 'string' && reason.trim() ? [] : [{ field: `waiver.${rule}.reason`, value: reason, message: 'a waiver needs a reason', fix: 'say why the rule does not apply and who accepted it' }]),
      ...(objects.length === 1 ? [] : [{
        field: 'waiver.target',
        value: objects.map((o) => o.node.path),
        message: 'must be one API object',
        fix: 'waive on the apiObject of the construct that renders the object',
      }]),
    ]);
    if (objects.length === 1 && typeof rule === 'string' && typeof reason === 'string') {
      objects[0].metadata.addAnnotation(Waiver.annotationKey(rule), reason);
    }
  }

  /** The waivers written on an object (and on its pod template, if given): rule id → reason. */
  public static of(...annotationSets: (Record<string, string> | undefined)[]): Map<string, string> {
    const result = new Map<string, string>();
    for (const annotations of annotationSets) {
      if (!annotations) continue;
      for (const key of Object.keys(annotations)) {
        if (key.startsWith(PREFIX)) result.set(key.slice(PREFIX.length), String(annotations[key] ?? ''));
      }
    }
    return result;
  }
}
