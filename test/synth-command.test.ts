import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigMap, Environment, Platform, synthCommand } from '../lib';

// synthCommand's choice of folder by CDK8S_OUTDIR; the CLI runs are in synth-cli.test.ts.
describe('synthCommand', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-command-'));
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const platform = () => new Platform({
    environments: [Environment.dev({ baseDomain: 'dev.example.com' })],
    stacks: [{ name: 'web', define: (chart) => new ConfigMap(chart, 'config', { name: 'web', data: { a: '1' } }) }],
  });

  test.each([
    ['unset', {}],
    ['empty, as `CDK8S_OUTDIR= node app.js` sets it', { CDK8S_OUTDIR: '' }],
  ])('CDK8S_OUTDIR %s: the platform writes outdir', (_, env) => {
    const outdir = path.join(dir, 'dist');
    expect(synthCommand(platform(), { outdir, cliOutput: path.join(dir, '.cdk8s-out'), env })).toBe(0);
    expect(fs.readdirSync(path.join(outdir, 'dev', 'web'))).toEqual(['ConfigMap.web.k8s.yaml']);
    expect(fs.existsSync(path.join(dir, '.cdk8s-out'))).toBe(false);
  });
});
