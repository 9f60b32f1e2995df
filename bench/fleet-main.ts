import { synthCommand } from '../lib';
import { fleetPlatform } from './fleet';

// The benchmark's cdk8s app: `FLEET_SIZE` services, run like apps/main.ts (by `cdk8s synth` with
// `output: .cdk8s-out` in the bench's cdk8s.yaml, writing `dist/` of the working directory), or
// directly with `FLEET_OUTDIR` as the output folder.
const size = Number(process.env.FLEET_SIZE ?? '10');
process.exitCode = synthCommand(fleetPlatform(size, process.env.FLEET_TAG), { outdir: process.env.FLEET_OUTDIR ?? 'dist', cliOutput: '.cdk8s-out' });
