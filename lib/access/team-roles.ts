import { Construct } from 'constructs';
import { AppChart } from '../core/app-chart';
import { EFFECTIVE_ACCESS_ANNOTATION } from '../policy/checks/rbac';
import { PolicyRule, Role } from './role';
import { RoleBinding, Subject } from './role-binding';
import { z } from 'zod';
import { checkProps, constructId, oneOf, str } from '../core/schema';

/** The team roles of the notes (000): admin, deployer, viewer. */
export enum TeamRole {
  /** Everything in the namespace, Secrets and RoleBindings included (the cluster's `admin` role). */
  ADMIN = 'admin',
  /**
   * Changes workloads, Services, Ingresses and their configuration; reads the rest and pod logs.
   * No Secret verbs and no pods/exec, but creating workloads reaches both: a Deployment or Job it
   * creates can mount any Secret of the namespace and run any code as any ServiceAccount of it.
   * The Role says so in its annotation `k8s-constructs.io/effective-access`.
   */
  DEPLOYER = 'deployer',
  /** Reads everything except Secrets. */
  VIEWER = 'viewer',
}

/** Props of {@link TeamRoles}. */
export interface TeamRolesProps {
  /**
   * Groups (from the identity provider) per role; a role with no groups gets no binding.
   * @default - `<groupPrefix>:<environment>:<role>` for every role, e.g. `team:dev:deployer`
   */
  readonly groups?: Partial<Record<TeamRole, string[]>>;
  /**
   * Prefix of the default group names.
   * @default 'team'
   */
  readonly groupPrefix?: string;
}

/** Runtime shape of {@link TeamRolesProps}. @internal */
export const TeamRolesPropsSchema = z.strictObject({
  groups: z.partialRecord(oneOf(TeamRole), z.array(str)).optional(),
  groupPrefix: str.optional(),
});

const READ = ['get', 'list', 'watch'];
const WRITE = [...READ, 'create', 'update', 'patch', 'delete'];

/** What the deployer may change, and what it only reads. */
const DEPLOYER_RULES: PolicyRule[] = [
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], verbs: WRITE },
  { apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['get', 'update', 'patch'] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: WRITE },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: WRITE },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: READ },
  { resources: ['services', 'configmaps', 'persistentvolumeclaims'], verbs: WRITE },
  { resources: ['pods'], verbs: [...READ, 'delete'] },
  { resources: ['pods/log', 'endpoints', 'events', 'serviceaccounts'], verbs: READ },
];

/** What the deployer reaches beyond its verbs, written on its Role for reviewers and checked by PLT083. */
const DEPLOYER_REACH = 'create workloads: pods it creates can mount any Secret and run any code as any ServiceAccount of the namespace; reads pod logs';

/** Everything an app is made of, read-only, Secrets left out on purpose. */
const VIEWER_RULES: PolicyRule[] = [
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], verbs: READ },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: READ },
  { resources: ['pods', 'pods/log', 'services', 'endpoints', 'configmaps', 'persistentvolumeclaims', 'events', 'serviceaccounts'], verbs: READ },
];

/**
 * The admin / deployer / viewer team roles of one environment's namespace, bound to groups.
 * Admin binds the cluster's own `admin` ClusterRole in the namespace; deployer and viewer are
 * Roles of their own (`team-deployer`, `team-viewer`), so nothing is granted cluster-wide.
 */
export class TeamRoles extends Construct {
  /** The deployer Role (add rules for app-specific resources). */
  public readonly deployer: Role;
  /** The viewer Role (read-only: Secrets and writes are refused). */
  public readonly viewer: Role;

  constructor(scope: Construct, id: string, props: TeamRolesProps = {}) {
    super(scope, constructId(scope, id));
    checkProps(this, TeamRolesPropsSchema, props);
    const env = AppChart.of(this).environment.name;
    const groupsOf = (role: TeamRole) => props.groups?.[role] ?? (props.groups ? [] : [`${props.groupPrefix ?? 'team'}:${env}:${role}`]);
    this.deployer = new Role(this, 'deployer', { name: 'team-deployer', rules: DEPLOYER_RULES });
    this.deployer.apiObject.metadata.addAnnotation(EFFECTIVE_ACCESS_ANNOTATION, DEPLOYER_REACH);
    this.viewer = new Role(this, 'viewer', { name: 'team-viewer', rules: VIEWER_RULES, readOnly: true });
    const bind = (role: TeamRole, granted: Role | { kind: 'ClusterRole'; name: string }) => {
      const groups = groupsOf(role);
      if (groups.length) {
        new RoleBinding(this, `${role}-binding`, { name: `team-${role}`, role: granted, subjects: groups.map(Subject.group) });
      }
    };
    bind(TeamRole.ADMIN, { kind: 'ClusterRole', name: 'admin' });
    bind(TeamRole.DEPLOYER, this.deployer);
    bind(TeamRole.VIEWER, this.viewer);
  }
}
