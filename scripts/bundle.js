// Bundles the synth entry points (build/apps/main.js, build/bench/fleet-main.js) into one file
// each with esbuild, for `cdk8s synth`'s start-up: loading ~300 modules (the library, cdk8s,
// cdk8s-plus-27, zod) means resolving and reading each; one file is read once and, run by
// scripts/app.js, compiled once into a V8 code cache (see the README, "Performance").
// Runs after tsc and scripts/validators.js (`npm run build`), from the compiled JavaScript, so
// tsc stays the only compiler. Next to each bundle, `<entry>.bundle.json` lists its inputs:
// scripts/app.js runs the unbundled entry instead when one of them is newer (`tsc -w`).
//   node scripts/bundle.js
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const ENTRIES = ['apps/main', 'bench/fleet-main'];

/**
 * The schema files the library loads on demand stay files (required from the bundle by their
 * path in build/lib): the precompiled validators (3 MB, the second rarely needed) and the schema
 * JSON that only the runtime-compile fallback reads. ajv, which only that fallback needs, stays
 * in node_modules.
 */
function schemaFilesStayExternal(outdir) {
  return {
    name: 'schema-files-stay-external',
    setup(build) {
      build.onResolve({ filter: /^\.\/schema\/(validators|validators-more|k8s-v1\.27-strict\.json)$/ }, (args) => {
        const target = path.relative(outdir, path.join(args.resolveDir, args.path)).split(path.sep).join('/');
        return { path: target.startsWith('.') ? target : `./${target}`, external: true };
      });
    },
  };
}

async function main() {
  for (const entry of ENTRIES) {
    const outfile = path.join(root, 'build', `${entry}.bundle.js`);
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [path.join('build', `${entry}.js`)],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      external: ['ajv', 'ajv/*'],
      plugins: [schemaFilesStayExternal(path.dirname(outfile))],
      metafile: true,
      logLevel: 'warning',
    });
    const inputs = Object.keys(result.metafile.inputs).sort();
    fs.writeFileSync(`${outfile.slice(0, -3)}.json`, `${JSON.stringify({ inputs }, null, 1)}\n`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
