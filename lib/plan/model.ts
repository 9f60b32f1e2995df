/** One rendered object of one environment, as a plan reads it (a `Manifest` fits). */
export interface PlannedObject {
  /** Environment name. */
  readonly environment: string;
  /** App (folder) the object is written under. */
  readonly app: string;
  /** File path relative to the output directory, e.g. `prod/journal/Deployment.journal-server.k8s.yaml`. */
  readonly file: string;
  /** The object as rendered. */
  readonly object: any;
}

/** What a plan compares: the rendered objects of one side, and its environments in output order. */
export interface PlanSide {
  /** Environment names, in the platform's output order. */
  readonly environments: readonly string[];
  /** Every rendered object of every environment. */
  readonly objects: readonly PlannedObject[];
}

/**
 * What a change does. `add` and `update` are the plain cases; the others name an effect a
 * reviewer must see (issue: what restarts pods, what Kubernetes refuses, what Argo CD deletes).
 */
export type ChangeClass =
  | 'replace' | 'prune' | 'rollout' | 'scale' | 'exposure' | 'access' | 'image' | 'quota' | 'add' | 'update';

/** Classes in the order the summary and details list them: the most consequential first. */
export const CHANGE_CLASSES: readonly ChangeClass[] = ['replace', 'prune', 'rollout', 'scale', 'exposure', 'access', 'image', 'quota', 'add', 'update'];

/** One class given to a change, with why. */
export interface Classification {
  /** What kind of change it is. */
  readonly class: ChangeClass;
  /** One line, e.g. `pod template changed (containers[app].image): 3 replicas roll, 25% surge`. */
  readonly reason: string;
  /** Further lines: permissions gained, routes opened, warnings. */
  readonly details?: readonly string[];
}

/** One changed leaf (or subtree) of an object. */
export interface FieldChange {
  /** Readable path; list items with a name are addressed by it: `spec.template.spec.containers[name=app].image`. */
  readonly path: string;
  /** Whether the field was added, removed or replaced. */
  readonly op: 'add' | 'remove' | 'replace';
  /** The value in the base; absent when added. */
  readonly before?: unknown;
  /** The value in the working tree; absent when removed. */
  readonly after?: unknown;
}

/** A change of one object in one environment. */
export interface ObjectChange {
  /** Whether the object is added, removed or changed. */
  readonly action: 'add' | 'remove' | 'change';
  /** `group/Kind` (core group empty: `/Service`). */
  readonly kind: string;
  /** Its namespace; absent for cluster-scoped objects. */
  readonly namespace?: string;
  /** Its `metadata.name`. */
  readonly name: string;
  /** App folder (the head's, for a removed object the base's). */
  readonly app: string;
  /** Output file, e.g. `prod/journal/Deployment.journal-server.k8s.yaml`. */
  readonly file: string;
  /** Its classes with their reasons, most consequential first. */
  readonly classes: readonly Classification[];
  /** Field-level diff; for a renamed object, against the object it replaces; else empty for added and removed objects. */
  readonly fields: readonly FieldChange[];
  /** An added object that replaces a removed one under a new name: the old name. */
  readonly renamedFrom?: string;
  /** A removed object replaced under a new name: the new name. */
  readonly renamedTo?: string;
}

/** A namespace's totals against its ResourceQuota, where a change moved them. */
export interface QuotaChange {
  /** The namespace whose totals moved. */
  readonly namespace: string;
  /** The ResourceQuota object's name. */
  readonly quota: string;
  /** Each resource the quota limits whose total moved. */
  readonly resources: readonly {
    /** The resource name, e.g. `requests.cpu`. */
    readonly resource: string;
    /** The quota's hard limit. */
    readonly hard: string;
    /** The namespace's total in the base. */
    readonly before: string;
    /** The namespace's total after the change. */
    readonly after: string;
    /** Share of the quota after the change, in percent. */
    readonly percent: number;
    /** Whether the total after the change is above the hard limit. */
    readonly exceeded: boolean;
  }[];
}

/** Everything that changes in one environment. */
export interface EnvironmentPlan {
  /** The environment's name. */
  readonly environment: string;
  /** `added` / `removed`: the environment is only in the head / base. */
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  /** How Argo CD delivers the environment's apps, e.g. `automated sync with prune`; absent without Argo CD. */
  readonly delivery?: string;
  /** The objects that change, most consequential first. */
  readonly changes: readonly ObjectChange[];
  /** Namespace totals the changes move. */
  readonly quotas: readonly QuotaChange[];
  /** Objects per class: the row of the summary. */
  readonly counts: Partial<Record<ChangeClass, number>>;
}

/** The result of {@link computePlan}. */
export interface Plan {
  /** Environments, most critical first (see {@link PlanOptions.order}). */
  readonly environments: readonly EnvironmentPlan[];
  /** Whether anything changes (exit code 1). */
  readonly changed: boolean;
}

/** Options of {@link computePlan}. */
export interface PlanOptions {
  /**
   * Environment names in the order the plan lists them (summary and details); names not listed
   * follow in reverse output order.
   * @default - reverse output order of the head (then base-only environments), so that a list
   *   written dev, stage, prod shows prod first
   */
  readonly order?: readonly string[];
  /**
   * Folder the manifests are committed under, as Argo CD Applications name it in `spec.source.path`.
   * @default 'dist'
   */
  readonly outdir?: string;
}
