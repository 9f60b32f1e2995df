import { AppChart, ExternalReferences, Platform, PolicyEngine, SynthError } from '../../lib';
import { ENV, EnvName } from './harness';

/**
 * The findings (errors and warnings) of the platform's policy engine over one stack, e.g. PSS
 * restricted, headless Services of StatefulSets, autoscaler targets; construct refusals too.
 * `external` declares objects made outside the stack (ExistingSecrets render nothing).
 */
export function policyFindings(define: (chart: AppChart) => void, environment: EnvName = 'dev', external: ExternalReferences = {}): string[] {
  const platform = new Platform({ environments: [ENV[environment]], stacks: [{ name: 'test', define }], checks: [new PolicyEngine({ external })] });
  try {
    return platform.render().warnings;
  } catch (e) {
    if (e instanceof SynthError) return e.problems;
    throw e;
  }
}
