import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OutputConflictError, OutputFolder } from '../lib/core/output-folder';
import { OutputLock, OutputLockedError } from '../lib/core/output-lock';

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

// Every rename (the atomic step of a write) goes through this hook, so that tests can watch them
// or fail one.
let mockOnRename: ((from: string, to: string) => void) | undefined;
jest.mock('fs', () => {
  const real = jest.requireActual('fs');
  return { ...real, renameSync: (from: string, to: string) => { mockOnRename?.(from, to); real.renameSync(from, to); } };
});

const INDEX = OutputFolder.INDEX_FILE;

describe('OutputFolder', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'output-folder-')); });
  afterEach(() => {
    mockOnRename = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function write(files: Record<string, string>): void {
    for (const [f, c] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), c);
    }
  }

  /** One synth: open, update, close. */
  function update(files: Record<string, string>, roots?: string[], outdir = dir) {
    const folder = OutputFolder.open(outdir);
    try {
      return folder.update(new Map(Object.entries(files)), roots);
    } finally {
      folder.close();
    }
  }

  test('replaces and removes only the files its index lists, in the given roots; anything else stays', () => {
    write({
      'dev/app/Deployment.a.k8s.yaml': 'old',
      'dev/app/Service.a.k8s.yaml': 'same',
      'dev/gone/ConfigMap.x.k8s.yaml': 'stale',
      'dev/deep/er/file': 'stale',
      'dev/app/NOTES.md': 'a person wrote this',
      'dev/mine/kept.yaml': 'not generated',
      'prod/app/Deployment.a.k8s.yaml': 'not rendered this time, other root',
      'README.md': 'outside the roots',
      [INDEX]: OutputFolder.indexText(['dev/app/Deployment.a.k8s.yaml', 'dev/app/Service.a.k8s.yaml', 'dev/gone/ConfigMap.x.k8s.yaml', 'dev/deep/er/file', 'prod/app/Deployment.a.k8s.yaml']),
    });
    const changes = update({
      'dev/app/Deployment.a.k8s.yaml': 'new',
      'dev/app/Service.a.k8s.yaml': 'same',
      'dev/more/Service.b.k8s.yaml': 'b',
      'stage/app/Deployment.a.k8s.yaml': 'stage',
    }, ['dev', 'stage']);
    expect(changes).toEqual([
      { folder: 'dev', written: 2, unchanged: 1, removed: 2 },
      { folder: 'stage', written: 1, unchanged: 0, removed: 0 },
    ]);
    expect(tree(dir)).toEqual({
      'README.md': 'outside the roots',
      [INDEX]: OutputFolder.indexText(['dev/app/Deployment.a.k8s.yaml', 'dev/app/Service.a.k8s.yaml', 'dev/more/Service.b.k8s.yaml', 'prod/app/Deployment.a.k8s.yaml', 'stage/app/Deployment.a.k8s.yaml']),
      'dev/': '',
      'dev/app/': '',
      'dev/app/Deployment.a.k8s.yaml': 'new',
      'dev/app/Service.a.k8s.yaml': 'same',
      'dev/app/NOTES.md': 'a person wrote this',
      'dev/mine/': '',
      'dev/mine/kept.yaml': 'not generated',
      'dev/more/': '',
      'dev/more/Service.b.k8s.yaml': 'b',
      'prod/': '',
      'prod/app/': '',
      'prod/app/Deployment.a.k8s.yaml': 'not rendered this time, other root',
      'stage/': '',
      'stage/app/': '',
      'stage/app/Deployment.a.k8s.yaml': 'stage',
    });
  });

  test('without roots, every generated file is in scope: a folder no longer rendered is removed', () => {
    update({ 'qa/app/a.yaml': 'qa', 'dev/app/a.yaml': 'dev' });
    expect(update({ 'dev/app/a.yaml': 'dev' })).toEqual([{ folder: 'dev', written: 0, unchanged: 1, removed: 0 }, { folder: 'qa', written: 0, unchanged: 0, removed: 1 }]);
    expect(tree(dir)).toEqual({ [INDEX]: OutputFolder.indexText(['dev/app/a.yaml']), 'dev/': '', 'dev/app/': '', 'dev/app/a.yaml': 'dev' });
  });

  test('leaves unchanged files alone, the index too', () => {
    update({ 'dev/app/a.yaml': 'same' });
    const old = new Date('2020-01-01T00:00:00Z');
    for (const f of ['dev/app/a.yaml', INDEX]) fs.utimesSync(path.join(dir, f), old, old);
    expect(update({ 'dev/app/a.yaml': 'same' })).toEqual([{ folder: 'dev', written: 0, unchanged: 1, removed: 0 }]);
    for (const f of ['dev/app/a.yaml', INDEX]) expect(fs.statSync(path.join(dir, f)).mtime).toEqual(old);
  });

  test('a file is unchanged only when it holds the content byte for byte, large or not', () => {
    const large = `é${'x'.repeat(200_000)}\n`;
    const files = { 'dev/a': 'same', 'dev/b': 'same', 'dev/c': 'same', 'dev/d': 'ünïcode', 'dev/e': large, 'dev/f': large, 'dev/g': '' };
    update(files);
    write({ 'dev/b': 'same plus', 'dev/c': 'sam', 'dev/f': `${large}x` });
    expect(update(files)).toEqual([{ folder: 'dev', written: 3, unchanged: 4, removed: 0 }]);
    for (const [f, c] of Object.entries(files)) expect(fs.readFileSync(path.join(dir, f), 'utf8')).toBe(c);
  });

  test('writes each file to a temporary file in its folder, then renames it into place', () => {
    const renames: string[][] = [];
    mockOnRename = (from, to) => renames.push([path.relative(dir, from), path.relative(dir, to)]);
    update({ 'dev/app/a.yaml': 'a' });
    expect(renames.filter(([, to]) => !to.startsWith(OutputLock.FILE))).toEqual([
      [expect.stringMatching(/^dev\/app\/\.\d+-\d+\.synth-tmp$/), 'dev/app/a.yaml'],
      [expect.stringMatching(/^\.\d+-\d+\.synth-tmp$/), INDEX],
    ]);
  });

  test('a path taken by something the synth did not write is refused before anything changes', () => {
    write({ 'dev/app/a.yaml/inner': 'a folder where a file is rendered', 'dev/blocker': 'a file where a folder is needed', 'dev/app/b.yaml': 'old' });
    const before = tree(dir);
    let error: unknown;
    try {
      update({ 'dev/app/a.yaml': 'a', 'dev/app/b.yaml': 'new', 'dev/blocker/c.yaml': 'c' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutputConflictError);
    expect((error as OutputConflictError).problems).toEqual([
      `${path.join(dir, 'dev/app/a.yaml')}: is a folder, where the synth writes a file. Fix: move the folder away`,
      `${path.join(dir, 'dev/blocker')}: is a file the synth did not write, where it needs a folder for dev/blocker/c.yaml. Fix: move the file away`,
    ]);
    expect(tree(dir)).toEqual(before);
  });

  test('a generated file where a folder is now rendered is replaced by the folder', () => {
    update({ 'dev/app': 'a file' });
    update({ 'dev/app/a.yaml': 'a' });
    expect(tree(dir)).toEqual({ [INDEX]: OutputFolder.indexText(['dev/app/a.yaml']), 'dev/': '', 'dev/app/': '', 'dev/app/a.yaml': 'a' });
  });

  test('refuses paths outside the folder or of its own bookkeeping', () => {
    for (const file of ['../x', '/abs', 'dev/../x', INDEX, `${OutputLock.FILE}`, 'dev/a.synth-tmp']) {
      expect(() => update({ [file]: 'x' })).toThrow(/not a path the synth may write/);
    }
    expect(() => update({ 'prod/a': 'x' }, ['dev'])).toThrow(/outside the folders this synth may change \(dev\)/);
  });

  test('an index line outside the folder is never removed', () => {
    const outside = path.join(dir, 'outside');
    fs.mkdirSync(path.join(outside, 'out'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'victim'), 'keep');
    write({ [`out/${INDEX}`]: '../victim\n/etc/hostname\n' });
    update({ 'dev/a': 'a' }, undefined, path.join(outside, 'out'));
    expect(fs.readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('keep');
  });

  test('a folder it created stays absent when the synth fails before writing', () => {
    const outdir = path.join(dir, 'new');
    const folder = OutputFolder.open(outdir);
    folder.close();
    expect(fs.existsSync(outdir)).toBe(false);
  });

  describe('lock', () => {
    /** A live process that is not a synth, to name as the holder. */
    async function withLiveProcess(body: (pid: number) => void): Promise<void> {
      const child = spawn('sleep', ['30'], { stdio: 'ignore' });
      await new Promise((resolve) => child.once('spawn', resolve));
      try {
        body(child.pid!);
      } finally {
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }

    test('the lock file names the holder while a synth runs, and is gone after', () => {
      const first = OutputFolder.open(dir);
      // A synth of this process holds it: the lock file names this pid (a second process would be refused).
      expect(JSON.parse(fs.readFileSync(path.join(dir, OutputLock.FILE), 'utf8'))).toMatchObject({ pid: process.pid, hostname: os.hostname() });
      first.update(new Map([['dev/a', 'a']]));
      first.close();
      expect(fs.existsSync(path.join(dir, OutputLock.FILE))).toBe(false);
    });

    test('a lock of a running process is never taken over', async () => {
      await withLiveProcess((pid) => {
        write({ [OutputLock.FILE]: JSON.stringify({ pid, hostname: os.hostname(), started: '2026-01-01T00:00:00.000Z', command: 'node build/apps/main.js' }) });
        let error: unknown;
        try {
          OutputFolder.open(dir);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(OutputLockedError);
        expect((error as Error).message).toBe(`${path.join(dir, OutputLock.FILE)}: another synth is writing this folder: pid ${pid} on ${os.hostname()}, ` +
          'started 2026-01-01T00:00:00.000Z (node build/apps/main.js). Fix: wait for it to finish; if no such process runs any more (e.g. the lock comes from another machine), delete the lock file');
        expect(tree(dir)).toEqual({ [OutputLock.FILE]: expect.any(String) });
      });
    });

    test('a lock from another host cannot be checked and is never taken over', () => {
      write({ [OutputLock.FILE]: JSON.stringify({ pid: 1, hostname: 'elsewhere', started: 'x', command: 'y' }) });
      expect(() => OutputFolder.open(dir)).toThrow(/pid 1 on elsewhere/);
    });

    test('a lock of a zombie (killed, not yet reaped) is stale', async () => {
      // `sleep 0` exits at once; its parent, exec'd into `sleep 5`, never reaps it.
      const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
      try {
        const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (d) => resolve(String(d).trim()))));
        for (let i = 0; i < 100 && !/\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); i++) await new Promise((r) => setTimeout(r, 10));
        write({ [OutputLock.FILE]: JSON.stringify({ pid, hostname: os.hostname(), started: 'x', command: 'y' }) });
        OutputFolder.open(dir).close();
        expect(tree(dir)).toEqual({});
      } finally {
        parent.kill('SIGKILL');
      }
    });

    test('a lock whose pid now belongs to another process (started later) is stale', async () => {
      await withLiveProcess((pid) => {
        write({ [OutputLock.FILE]: JSON.stringify({ pid, hostname: os.hostname(), startTime: 1, started: 'x', command: 'y' }) });
        OutputFolder.open(dir).close();
        expect(tree(dir)).toEqual({});
      });
    });

    test('a stale lock is taken over: its temporary files are removed and the files it was creating count as generated', () => {
      update({ 'dev/app/a.yaml': 'a' });
      // A synth (pid 2^22 + 1: above Linux's pid_max, never running) crashed while creating dev/app/b.yaml.
      write({
        [OutputLock.FILE]: JSON.stringify({ pid: 4194305, hostname: os.hostname(), started: 'x', command: 'y', creating: ['dev/app/b.yaml', '../escape'] }),
        'dev/app/b.yaml': 'created by the crashed synth',
        'dev/app/.4194305-7.synth-tmp': 'half writ',
        '.4194305-8.synth-tmp': 'half an index',
        'dev/app/mine.txt': 'kept',
      });
      expect(update({ 'dev/app/a.yaml': 'a2' })).toEqual([{ folder: 'dev', written: 1, unchanged: 0, removed: 1 }]);
      expect(tree(dir)).toEqual({ [INDEX]: OutputFolder.indexText(['dev/app/a.yaml']), 'dev/': '', 'dev/app/': '', 'dev/app/a.yaml': 'a2', 'dev/app/mine.txt': 'kept' });
    });

    test("temporary files of the lock that killed processes left are removed, a running process's are not", async () => {
      await withLiveProcess((pid) => {
        write({ [`${OutputLock.FILE}.4194305.tmp`]: '{', [`${OutputLock.FILE}.4194306.stale`]: '{', [`${OutputLock.FILE}.${pid}.tmp`]: '{' });
        OutputFolder.open(dir).close();
        expect(Object.keys(tree(dir))).toEqual([`${OutputLock.FILE}.${pid}.tmp`]);
      });
    });

    test('the record of a crashed synth survives a synth that takes its lock over and then fails', () => {
      update({ 'dev/app/a.yaml': 'a' });
      write({
        [OutputLock.FILE]: JSON.stringify({ pid: 4194305, hostname: os.hostname(), started: 'x', command: 'y', creating: ['dev/app/b.yaml'] }),
        'dev/app/b.yaml': 'created by the crashed synth',
      });
      OutputFolder.open(dir).close(); // e.g. the render failed
      expect(JSON.parse(fs.readFileSync(path.join(dir, OutputLock.FILE), 'utf8'))).toMatchObject({ pid: process.pid, creating: ['dev/app/b.yaml'] });
      expect(update({ 'dev/app/a.yaml': 'a' })).toEqual([{ folder: 'dev', written: 0, unchanged: 1, removed: 1 }]);
      expect(tree(dir)).toEqual({ [INDEX]: OutputFolder.indexText(['dev/app/a.yaml']), 'dev/': '', 'dev/app/': '', 'dev/app/a.yaml': 'a' });
    });

    test('an unreadable lock (no pid) is stale', () => {
      write({ [OutputLock.FILE]: 'garbage' });
      update({ 'dev/a': 'a' });
      expect(tree(dir)).toEqual({ [INDEX]: OutputFolder.indexText(['dev/a']), 'dev/': '', 'dev/a': 'a' });
    });

    test('a write failing half-way leaves every file old or new and the lock as a record; the next synth finishes', () => {
      update({ 'dev/a': 'a1', 'dev/b': 'b1', 'dev/gone': 'g' });
      let renames = 0;
      mockOnRename = (_from, to) => {
        if (!to.includes(OutputLock.FILE) && ++renames === 2) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      };
      expect(() => update({ 'dev/a': 'a2', 'dev/b': 'b2', 'dev/c': 'c2' })).toThrow(/ENOSPC[^]*partly updated: every file in it is complete/);
      mockOnRename = undefined;
      const lock = JSON.parse(fs.readFileSync(path.join(dir, OutputLock.FILE), 'utf8'));
      expect(lock).toMatchObject({ pid: process.pid, creating: ['dev/c'] });
      const after = tree(dir);
      expect(after['dev/a']).toBe('a2');
      expect(after['dev/b']).toBe('b1');
      expect(after[INDEX]).toBe(OutputFolder.indexText(['dev/a', 'dev/b', 'dev/gone']));
      // The next synth (here: a different set of files) takes the leftover lock over and repairs.
      expect(update({ 'dev/a': 'a3' })).toEqual([{ folder: 'dev', written: 1, unchanged: 0, removed: 1 }]);
      expect(tree(dir)).toEqual({ [INDEX]: OutputFolder.indexText(['dev/a']), 'dev/': '', 'dev/a': 'a3' });
    });
  });
});
