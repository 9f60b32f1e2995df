import { SynthError } from '../lib';
import { fleetPlatform } from './fleet';

// The benchmark's cdk8s renderer: `FLEET_SIZE` services rendered by `Platform.synth`, the code
// path `cdk8s synth` runs for the shipped stacks, into `FLEET_OUTDIR`.
const size = Number(process.env.FLEET_SIZE ?? '10');
const outdir = process.env.FLEET_OUTDIR ?? 'fleet-out';
try {
  const { files } = fleetPlatform(size).synth(outdir);
  console.error(`wrote ${files.size} manifests to ${outdir}/`);
} catch (e) {
  if (!(e instanceof SynthError)) throw e;
  console.error(e.message);
  process.exitCode = 1;
}
