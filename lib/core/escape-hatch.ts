import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { typedJson } from './typed-json';

/**
 * Escape hatches: `ApiObject.of(construct)` reaches the API object under any construct of this
 * library (or `construct.apiObject`), and `addJsonPatch(JsonPatch.add(...))` changes any field.
 * Re-exported so that stacks need no direct cdk8s import.
 */
export { ApiObject, JsonPatch };

const FINAL = Symbol.for('k8s-constructs.patch-after-conversion');

/** A JSON patch that cannot be applied to the object as rendered. */
export class EscapeHatchError extends Error {
  constructor(public readonly operation: string, public readonly path: string, reason: string) {
    super(`JSON patch ${operation} ${path} cannot be applied: ${reason}`);
    this.name = 'EscapeHatchError';
  }
}

/**
 * Makes `apiObject.addJsonPatch(...)` apply its patches to the final object, after the typed
 * conversion of cdk8s-plus-27's `k8s.Kube*` classes. cdk8s applies patches first, and the
 * conversion then keeps only the fields it knows and reads quantity strings as `{ value }`:
 * a valid unmodelled field (or a typo) would vanish without a word. After conversion, what a
 * patch writes is what is rendered, and the strict schema check at synth sees it. Idempotent.
 */
export function patchAfterConversion(apiObject: ApiObject): void {
  const target = apiObject as any;
  if (target[FINAL]) return;
  const patches: JsonPatch[] | undefined = target.patches;
  if (!Array.isArray(patches)) {
    throw new Error(`${apiObject.node.path}: this cdk8s version keeps JSON patches elsewhere; escape hatches cannot be applied after conversion`);
  }
  const own = apiObject.toJson.bind(apiObject);
  const convert = () => typedJson(apiObject, own) ?? own();
  Object.defineProperty(target, FINAL, { value: true });
  Object.defineProperty(target, 'toJson', {
    configurable: true,
    value: () => {
      if (!patches.length) return convert();
      const own = patches.splice(0);
      let json: any;
      try {
        json = convert();
      } finally {
        patches.push(...own);
      }
      for (const patch of own) {
        json = applyOne(json, patch);
      }
      return json;
    },
  });
}

/** One patch, with an error naming its operation and path when it does not apply. */
function applyOne(json: any, patch: JsonPatch): any {
  const op = (patch as any)._toJson?.() ?? {};
  try {
    return JsonPatch.apply(json, patch);
  } catch (e) {
    const reason = e instanceof TypeError ? 'a parent of the path does not exist in the object as rendered' : String((e as Error).message ?? e).split('\n')[0];
    throw new EscapeHatchError(String(op.op), String(op.path), reason);
  }
}

/**
 * `patchAfterConversion` for every API object under `scope` (e.g. a plain cdk8s `App`,
 * before `app.synth()`): the AppChart and the Platform do this themselves.
 */
export function patchesAfterConversion(scope: IConstruct): void {
  for (const c of scope.node.findAll()) {
    if (ApiObject.isApiObject(c)) patchAfterConversion(c);
  }
}
