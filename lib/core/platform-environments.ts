import { IConstruct } from 'constructs';

/**
 * Construct trees of a Platform: it checks each environment once, before defining any
 * app, so their AppCharts leave the environment to it instead of repeating its problems.
 */
const platformTrees = new WeakSet<IConstruct>();

/** Marks a construct tree (its App) as one whose environment the Platform checks. */
export function leaveEnvironmentToPlatform(app: IConstruct): void {
  platformTrees.add(app.node.root);
}

/** Whether the Platform checks the environment of the tree `scope` is in. */
export function environmentLeftToPlatform(scope: IConstruct): boolean {
  return platformTrees.has(scope.node.root);
}
