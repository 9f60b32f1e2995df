import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { labelProblems } from './app-chart';
import { Labels } from './labels';
import { Names } from './names';
import { addProblems, Problem } from './problem';

const STANDARD = new Set([Labels.NAME, Labels.INSTANCE, Labels.VERSION, Labels.COMPONENT, Labels.PART_OF, Labels.MANAGED_BY, Labels.ENVIRONMENT]);

/** The API objects under a construct (the construct itself if it is one). */
function apiObjectsOf(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

/**
 * Metadata for objects of any construct: extra labels (e.g. the guestbook's `tier` and
 * `role`), and another namespace than the environment's (e.g. a RoleBinding in `kube-system`).
 * For the pods of a workload, use the workload's `labels` prop, which labels both.
 */
export class Placement {
  /**
   * Adds labels to every API object under `scope`. The standard labels cannot be replaced:
   * selectors and the environment depend on them.
   */
  public static addLabels(scope: IConstruct, labels: Record<string, string>): void {
    for (const apiObject of apiObjectsOf(scope)) {
      for (const [key, value] of Object.entries(labels)) apiObject.metadata.addLabel(key, value);
    }
    addProblems(scope, () => [...labelProblems('labels', labels), ...standardLabelProblems('labels', labels)]);
  }

  /**
   * Puts every API object under `scope` into `namespace` (the environment's namespace stays the
   * default of everything else). The object is written with the app, so the namespace must
   * exist where the app is applied, and Argo CD's project must admit it.
   */
  public static inNamespace(scope: IConstruct, namespace: string): void {
    for (const apiObject of apiObjectsOf(scope)) {
      apiObject.addJsonPatch(JsonPatch.add('/metadata/namespace', namespace));
    }
    addProblems(scope, () => Names.dnsLabel('namespace', namespace));
  }

  private constructor() {}
}

/** Extra labels may not replace the standard ones. */
export function standardLabelProblems(field: string, labels: Record<string, string>): Problem[] {
  return Object.keys(labels).filter((k) => STANDARD.has(k)).map((key) => ({
    field: `${field}.${key}`,
    value: labels[key],
    message: 'is a standard label the platform sets (selectors and the environment depend on it)',
    fix: key === Labels.COMPONENT ? 'use the component prop' : key === Labels.VERSION ? 'use the version prop' : 'use another key, e.g. "tier" or "role"',
  }));
}
