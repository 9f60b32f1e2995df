import { environmentsFromEnv, SynthError } from '../lib';
import { createPlatform } from './platform';

// Entry point of `cdk8s synth` (see cdk8s.yaml). The CLI passes the output folder in CDK8S_OUTDIR.
const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
try {
  const { files, warnings } = createPlatform({ only: environmentsFromEnv(process.env.PLATFORM_ENVIRONMENTS) }).synth(outdir);
  for (const warning of warnings) {
    console.error(`warning: ${warning}`);
  }
  console.error(`wrote ${files.size} manifests to ${outdir}/`);
} catch (e) {
  if (!(e instanceof SynthError)) throw e;
  console.error(e.message);
  process.exitCode = 1;
}
