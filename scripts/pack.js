// npm lifecycle of `npm pack` / `npm publish` (plain JavaScript: it runs before anything is compiled).
//   node scripts/pack.js prepack   fresh build/ of the library alone (with its generated validators), and the consumer README in place
//   node scripts/pack.js postpack  this repository's README back
// The package ships docs/package-readme.md as its README.md: npm always packs the root README.md,
// which here describes the repository (apps/, dist/, CI), not how to use the package.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const readme = path.join(root, 'README.md');
const repoReadme = path.join(root, '.README.repository.md');
const packageReadme = path.join(root, 'docs', 'package-readme.md');

function prepack() {
  // Stale output of deleted or moved sources would be packed too.
  fs.rmSync(path.join(root, 'build'), { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'tsconfig.package.json'], { cwd: root, stdio: 'inherit' });
  // The precompiled strict-schema validators, which the package ships (not compiled by tsc).
  execFileSync(process.execPath, [path.join(__dirname, 'validators.js')], { cwd: root, stdio: 'inherit' });
  if (!fs.existsSync(repoReadme)) fs.renameSync(readme, repoReadme);
  fs.copyFileSync(packageReadme, readme);
}

function postpack() {
  if (fs.existsSync(repoReadme)) fs.renameSync(repoReadme, readme);
}

const command = process.argv[2];
if (command === 'prepack') prepack();
else if (command === 'postpack') postpack();
else throw new Error(`usage: node scripts/pack.js prepack|postpack (got ${command})`);
