// The `app:` of cdk8s.yaml: runs a synth entry point of build/ (`node scripts/app.js apps/main`)
// from its bundle (scripts/bundle.js) with a V8 code cache, which is what Node 22 does with
// `module.enableCompileCache()`; the engines field admits Node 20, which has no such switch.
// The first run after a build compiles the bundle and stores V8's code for everything it ran
// (build/<entry>.bundle.cache); later runs skip parsing and compiling. V8 checks the cache against
// the source and its own version and flags, and a rejected cache is rewritten. Falls back to the
// unbundled build/<entry>.js, which behaves the same, when the bundle is missing or older than one
// of its inputs (after `tsc -w`, or `npx tsc` alone), so a synth never runs stale code.
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const root = path.join(__dirname, '..');
const entry = process.argv[2];
if (!entry) throw new Error('usage: node scripts/app.js <entry under build/, e.g. apps/main>');
const bundle = path.join(root, 'build', `${entry}.bundle.js`);
process.argv.splice(1, 2, path.join(root, 'build', `${entry}.js`));

if (bundleIsCurrent()) runCached(bundle, `${bundle.slice(0, -3)}.cache`);
else require(process.argv[1]);

/** The bundle exists and none of its inputs (listed by scripts/bundle.js) is newer. */
function bundleIsCurrent() {
  let built;
  let inputs;
  try {
    built = fs.statSync(bundle).mtimeMs;
    inputs = JSON.parse(fs.readFileSync(`${bundle.slice(0, -3)}.json`, 'utf8')).inputs;
  } catch {
    return false;
  }
  for (const input of inputs) {
    let changed;
    try {
      changed = fs.statSync(path.join(root, input)).mtimeMs;
    } catch {
      return false;
    }
    if (changed > built) {
      console.error(`note: ${path.relative(process.cwd(), bundle)} is older than ${input}; running the unbundled build (\`npm run build\` bundles again)`);
      return false;
    }
  }
  return true;
}

/** `require(file)`, compiled from (and then into) the code cache `cacheFile`. */
function runCached(file, cacheFile) {
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // first run after a build
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // At exit, so that the cache holds the code of every function the run compiled.
    process.once('exit', () => writeQuietly(cacheFile, () => script.createCachedData()));
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  const req = (id) => mod.require(id);
  req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  req.main = require.main;
  req.cache = Module._cache;
  script.runInThisContext().call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
}

/** A cache is an optimisation: written whole (temporary file, rename) or not at all. */
function writeQuietly(target, data) {
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, data());
    fs.renameSync(temporary, target);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}
