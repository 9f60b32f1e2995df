import { environmentsFromEnv, synthCommand } from '../lib';
import { createPlatform } from './platform';

// Entry point of `cdk8s synth` (see cdk8s.yaml): the CLI's `output` (.cdk8s-out) is a scratch
// folder it may delete; the platform writes dist/ itself, changing nothing unless the synth
// succeeds (see the README, "Output").
process.exitCode = synthCommand(createPlatform({ only: environmentsFromEnv(process.env.PLATFORM_ENVIRONMENTS) }), { outdir: 'dist', cliOutput: '.cdk8s-out' });
