import { App } from 'cdk8s';
import { IConstruct, Node } from 'constructs';

/** A snapshot of a tree: its constructs in pre-order, and where each one's subtree ends. */
interface Snapshot {
  readonly all: IConstruct[];
  /** Index in `all` of each construct. */
  readonly start: Map<IConstruct, number>;
  /** By index in `all`: the index after the construct's subtree. */
  readonly end: number[];
}

/** Open sessions by root; `undefined` once the tree changed, until the next traversal. */
const sessions = new WeakMap<IConstruct, Snapshot | undefined>();

/** `Node.locked`, which every `addChild` of a tree asks of each scope up to the root. */
const lockedOf = Object.getOwnPropertyDescriptor(Node.prototype, 'locked')!.get!;

/**
 * The constructs of a tree, traversed once per synth instead of once per caller: the Platform's
 * validation, each chart's objects, its standard labels and its config sources all walk the same
 * tree of thousands of constructs.
 */
export class ConstructTree {
  /**
   * Shares traversals of `app` from now on. A construct added later (by a validation, say) drops
   * the snapshot: adding a child asks `node.locked` of every scope up to the root, whose getter
   * is wrapped. Constructs are not removed once defined (`tryRemoveChild` is not seen).
   */
  public static open(app: App): void {
    if (sessions.has(app)) return;
    sessions.set(app, undefined);
    Object.defineProperty(app.node, 'locked', {
      configurable: true,
      get(this: Node) {
        sessions.set(app, undefined);
        return lockedOf.call(this);
      },
    });
  }

  /** `scope.node.findAll()` (pre-order), from the snapshot when its tree is open. */
  public static findAll(scope: IConstruct): IConstruct[] {
    const root = scope.node.root;
    if (!sessions.has(root)) return scope.node.findAll();
    let snapshot = sessions.get(root);
    if (!snapshot) {
      snapshot = { all: [], start: new Map(), end: [] };
      walk(root, snapshot);
      sessions.set(root, snapshot);
    }
    const start = snapshot.start.get(scope);
    return start === undefined ? scope.node.findAll() : snapshot.all.slice(start, snapshot.end[start]);
  }

  private constructor() {}
}

function walk(c: IConstruct, snapshot: Snapshot): void {
  const start = snapshot.all.length;
  snapshot.all.push(c);
  snapshot.start.set(c, start);
  for (const child of c.node.children) walk(child, snapshot);
  snapshot.end[start] = snapshot.all.length;
}
