import { Construct } from 'constructs';
import { Namespace, NamespaceProps, NamespacePropsSchema } from './namespace';
import { TeamRolesPropsSchema } from '../access/team-roles';
import { z } from 'zod';
import { checkProps, constructId } from '../core/schema';

/** Runtime shape of {@link ClusterBaselineProps}. @internal */
export const ClusterBaselinePropsSchema = z.strictObject({
  namespace: NamespacePropsSchema.omit({ name: true }).optional(),
  teams: TeamRolesPropsSchema.optional(),
});
import { AppChart } from '../core/app-chart';
import { NetworkIsolation } from '../network/network-isolation';
import { TeamRoles, TeamRolesProps } from '../access/team-roles';

/** Props of a {@link ClusterBaseline}. */
export interface ClusterBaselineProps {
  /**
   * The environment's namespace (its name is the environment's: the team roles and network
   * baseline live there too).
   * @default - PSA restricted, LimitRange and ResourceQuota sized by the environment
   */
  readonly namespace?: Omit<NamespaceProps, 'name'>;
  /**
   * Team roles and their groups.
   * @default - admin, deployer and viewer bound to `team:<environment>:<role>`
   */
  readonly teams?: TeamRolesProps;
}

/**
 * What every environment's namespace gets before any app: the Namespace with Pod Security labels,
 * LimitRange and ResourceQuota, the admin / deployer / viewer team roles, and the network
 * baseline (default deny, DNS allowed). Meant for a chart of its own (e.g. `cluster`), so that
 * `dist/<env>/cluster/` holds it; apps add their allowances with
 * `new NetworkIsolation(chart, id, { baseline: false })`.
 *
 * The audit policy is not part of it: it is a kube-apiserver file, not an API object, and belongs
 * in a folder Argo CD does not sync.
 */
export class ClusterBaseline extends Construct {
  /** The environment's Namespace, with its LimitRange and ResourceQuota. */
  public readonly namespace: Namespace;
  /** The admin, deployer and viewer roles of the teams. */
  public readonly teams: TeamRoles;
  /** Default deny and DNS egress for the namespace; add allowances to it. */
  public readonly network: NetworkIsolation;

  constructor(scope: Construct, id: string, props: ClusterBaselineProps = {}) {
    super(scope, constructId(scope, id));
    AppChart.of(this); // outside an AppChart: a problem at synth
    checkProps(this, ClusterBaselinePropsSchema, props);
    this.namespace = new Namespace(this, 'namespace', props.namespace);
    this.teams = new TeamRoles(this, 'teams', props.teams);
    this.network = new NetworkIsolation(this, 'network');
  }
}
