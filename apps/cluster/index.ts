import { ClusterBaseline, StackDefinition } from '../../lib';

/**
 * What each environment's namespace gets before any app (the notes, 001/003/004): the Namespace
 * with Pod Security labels, LimitRange and ResourceQuota sized by the profile, the admin /
 * deployer / viewer team roles, and the network baseline (default deny, DNS allowed). Apps add
 * their own allowances.
 */
export const cluster: StackDefinition = {
  name: 'cluster',
  version: '1.0.0',
  define(chart) {
    new ClusterBaseline(chart, 'baseline');
  },
};
