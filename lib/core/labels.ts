/**
 * Label keys the platform puts on every object
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/).
 */
export class Labels {
  /** The component's name. */
  public static readonly NAME = 'app.kubernetes.io/name';
  /** Name and environment of the component. */
  public static readonly INSTANCE = 'app.kubernetes.io/instance';
  /** Image tag of a workload, else the app's version. */
  public static readonly VERSION = 'app.kubernetes.io/version';
  /** The component's role, e.g. `frontend`. */
  public static readonly COMPONENT = 'app.kubernetes.io/component';
  /** The app. */
  public static readonly PART_OF = 'app.kubernetes.io/part-of';
  /** The tool that renders the object (`cdk8s`). */
  public static readonly MANAGED_BY = 'app.kubernetes.io/managed-by';
  /** The environment an object belongs to (dev, stage, prod, ...). */
  public static readonly ENVIRONMENT = 'environment';

  /** Value of `app.kubernetes.io/managed-by`. */
  public static readonly MANAGER = 'cdk8s';

  /**
   * The keys selectors use: name and instance only. Selectors are immutable once created, so they
   * must not contain anything that changes with a release (version) or a reorganisation (part-of).
   */
  public static readonly SELECTOR_KEYS: readonly string[] = [Labels.NAME, Labels.INSTANCE];

  /** The selector subset of a label set. */
  public static selectorOf(labels: Record<string, string>): Record<string, string> {
    const selector: Record<string, string> = {};
    for (const key of Labels.SELECTOR_KEYS) {
      if (labels[key] !== undefined) {
        selector[key] = labels[key];
      }
    }
    return selector;
  }
}

/** Annotation keys the platform writes. */
export class Annotations {
  /** Prefix of every platform annotation. */
  public static readonly PREFIX = 'k8s-constructs.io';
  /** Security-context exceptions a pod uses, comma separated (`container:exception`). */
  public static readonly SECURITY_EXCEPTIONS = `${Annotations.PREFIX}/security-exceptions`;
  /** Hash of the ConfigMaps and Secrets a pod reads, so that a change rolls the pods. */
  public static readonly CONFIG_HASH = `${Annotations.PREFIX}/config-hash`;
}
