import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OutputFolder } from '../lib/core/output-folder';

/** Every file under `dir` with its content, and every folder (as `path/`). */
function tree(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = path.join(rel, e.name);
    if (e.isDirectory()) Object.assign(out, { [`${child}/`]: '' }, tree(dir, child));
    else out[child] = fs.readFileSync(path.join(dir, child), 'utf8');
  }
  return out;
}

describe('OutputFolder.sync', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'output-folder-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(files: Record<string, string>): void {
    for (const [f, c] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), c);
    }
  }

  test('ends with exactly the rendered files under each root, other roots untouched', () => {
    write({
      'dev/app/Deployment.a.k8s.yaml': 'old',
      'dev/app/Service.a.k8s.yaml': 'same',
      'dev/gone/ConfigMap.x.k8s.yaml': 'stale',
      'dev/deep/er/file': 'stale',
      'dev/clash': 'a file where a folder is rendered',
      'dev/folder-clash/inner': 'a folder where a file is rendered',
      'prod/app/Deployment.a.k8s.yaml': 'not rendered this time',
      'README.md': 'outside the roots',
    });
    OutputFolder.sync(dir, ['dev', 'stage'], new Map([
      ['dev/app/Deployment.a.k8s.yaml', 'new'],
      ['dev/app/Service.a.k8s.yaml', 'same'],
      ['dev/clash/Service.b.k8s.yaml', 'b'],
      ['dev/folder-clash', 'file'],
      ['stage/app/Deployment.a.k8s.yaml', 'stage'],
    ]));
    expect(tree(dir)).toEqual({
      'README.md': 'outside the roots',
      'dev/': '',
      'dev/app/': '',
      'dev/app/Deployment.a.k8s.yaml': 'new',
      'dev/app/Service.a.k8s.yaml': 'same',
      'dev/clash/': '',
      'dev/clash/Service.b.k8s.yaml': 'b',
      'dev/folder-clash': 'file',
      'prod/': '',
      'prod/app/': '',
      'prod/app/Deployment.a.k8s.yaml': 'not rendered this time',
      'stage/': '',
      'stage/app/': '',
      'stage/app/Deployment.a.k8s.yaml': 'stage',
    });
  });

  test('leaves unchanged files alone', () => {
    write({ 'dev/app/a.yaml': 'same' });
    const file = path.join(dir, 'dev/app/a.yaml');
    const old = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(file, old, old);
    OutputFolder.sync(dir, ['dev'], new Map([['dev/app/a.yaml', 'same']]));
    expect(fs.statSync(file).mtime).toEqual(old);
  });
});
