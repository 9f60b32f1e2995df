import * as fs from 'fs';
import * as path from 'path';
import { OutputLock } from './output-lock';

/** What one synth changed in one top-level folder (an environment) of the output directory. */
export interface FolderChanges {
  /** The folder, relative to the output directory: the environment's name. */
  readonly folder: string;
  /** Files created or replaced. */
  readonly written: number;
  /** Files already up to date, left alone (their modification time too). */
  readonly unchanged: number;
  /** Files an earlier synth wrote that are no longer rendered, removed. */
  readonly removed: number;
}

/** Paths of the output that the synth cannot write without losing a file it did not write; nothing was changed. */
export class OutputConflictError extends Error {
  /** @param problems one line per path taken */
  constructor(public readonly problems: string[]) {
    super(`Synth failed: ${problems.length} path(s) of the output are taken by files the synth did not write; nothing was written:\n  ${problems.join('\n  ')}`);
    this.name = 'OutputConflictError';
  }
}

/** Suffix of the temporary files written before each rename; a crash may leave one behind. */
const TEMPORARY = '.synth-tmp';

/**
 * An output directory that synths update without ever losing work:
 *
 * - one synth at a time: {@link OutputFolder.open} takes the folder's lock ({@link OutputLock});
 * - only generated files are replaced or removed: the index file `.generated-files` lists every
 *   file the synths wrote; any other file (notes, a file added by hand) stays;
 * - a synth limited to some top-level folders (environments) touches only those;
 * - only what changed is written, each file atomically (a temporary file in the same folder,
 *   then a rename), so that a crash leaves every file either old or new, never truncated; the
 *   next synth removes the temporary files and brings the rest up to date.
 *
 * Rewriting thousands of unchanged manifests was most of the synth time of a large fleet, and
 * most synths change few files.
 */
export class OutputFolder {
  /** Name of the index file, at the top of the output directory. */
  public static readonly INDEX_FILE = '.generated-files';

  /** Opens `outdir` (creating it if needed) and takes its lock; throws OutputLockedError if another synth holds it. */
  public static open(outdir: string): OutputFolder {
    const existed = fs.existsSync(outdir);
    fs.mkdirSync(outdir, { recursive: true });
    try {
      return new OutputFolder(outdir, OutputLock.acquire(outdir), !existed);
    } catch (e) {
      if (!existed) removeEmptyFolder(outdir);
      throw e;
    }
  }

  /** The index listing `files` (paths relative to the output directory). */
  public static indexText(files: Iterable<string>): string {
    const sorted = [...new Set(files)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return '# Files written by the platform synth. A synth replaces or removes only the files listed here;\n' +
      '# anything else in this folder is left alone. Generated: do not edit.\n' +
      sorted.map((f) => `${f}\n`).join('');
  }

  /** Whether files are being changed: a failure then leaves the lock, whose record lets the next synth repair the folder. */
  private writing = false;
  /** Whether update() completed. */
  private updated = false;

  private constructor(
    /** The output directory. */
    public readonly outdir: string,
    private readonly lock: OutputLock,
    /** Whether open() created the directory (then close() removes it again if it stayed empty). */
    private readonly created: boolean,
  ) {}

  /**
   * Makes the folders `roots` (every folder, if undefined) hold exactly the generated `files`
   * (paths relative to the output directory, each under one of the roots): changed and new files
   * are written, generated files no longer rendered are removed (with folders left empty), any
   * other file stays. Throws {@link OutputConflictError}, changing nothing, when a path is taken
   * by a file or folder the synth did not write. Returns the changes per folder: in the order of
   * `roots`, else by name.
   */
  public update(files: ReadonlyMap<string, string>, roots?: readonly string[]): FolderChanges[] {
    const inScope = (file: string) => roots === undefined || roots.includes(topFolder(file));
    const indexPath = path.join(this.outdir, OutputFolder.INDEX_FILE);
    const oldIndex = readIfExists(indexPath);
    const generated = new Set([...parseIndex(oldIndex ?? ''), ...(this.lock.stale?.creating ?? []).filter(isOutputPath)]);

    const counts = new Map<string, { written: number; unchanged: number; removed: number }>();
    const countsOf = (file: string) => {
      const folder = topFolder(file);
      let c = counts.get(folder);
      if (!c) counts.set(folder, c = { written: 0, unchanged: 0, removed: 0 });
      return c;
    };
    for (const root of roots ?? []) countsOf(root);

    const conflicts: string[] = [];
    const changed: string[] = [];
    for (const [file, content] of files) {
      if (!isOutputPath(file)) throw new Error(`${file}: not a path the synth may write (relative, inside the output directory, not a bookkeeping file)`);
      if (!inScope(file)) throw new Error(`${file}: outside the folders this synth may change (${roots!.join(', ')})`);
      if (this.holdsGenerated(file, content, (f) => generated.has(f) && inScope(f) && !files.has(f), conflicts)) {
        countsOf(file).unchanged++;
      } else {
        changed.push(file);
        countsOf(file).written++;
      }
    }
    if (conflicts.length) throw new OutputConflictError(conflicts);
    const stale = [...generated].filter((f) => inScope(f) && !files.has(f));
    const index = OutputFolder.indexText([...[...generated].filter((f) => !inScope(f)), ...files.keys()]);

    this.writing = true;
    try {
      if (this.lock.stale) this.removeTemporaryFiles(roots);
      // What a crashed synth was creating stays on record until the new index lists it.
      const creating = [...this.inheritedRecord(), ...changed.filter((f) => !generated.has(f))];
      if (creating.length) this.lock.record(creating);
      // Stale files first: one of them may stand where a new file needs a folder.
      for (const file of stale) {
        if (removeFile(path.join(this.outdir, file))) countsOf(file).removed++;
        removeEmptyFolders(this.outdir, path.dirname(file));
      }
      const made = new Set<string>();
      for (const file of changed) {
        const target = path.join(this.outdir, file);
        const dir = path.dirname(target);
        if (!made.has(dir)) {
          fs.mkdirSync(dir, { recursive: true });
          made.add(dir);
        }
        writeAtomically(target, files.get(file)!);
      }
      if (index !== oldIndex) writeAtomically(indexPath, index);
    } catch (e) {
      const error = e as Error;
      error.message = `${error.message}\n${this.outdir} was partly updated: every file in it is complete, either as before or as rendered. ` +
        `Fix: remove the cause and synthesize again, which finishes the update (the lock ${this.lock.file} records what to repair)`;
      throw error;
    }
    this.writing = false;
    this.updated = true;
    const folders = roots ?? [...counts.keys()].sort();
    return folders.map((folder) => ({ folder, ...counts.get(folder)! }));
  }

  /**
   * Releases the lock, unless it is a record the next synth needs: of a failed update, or of a
   * crashed synth whose lock was taken over by a synth that then failed before updating.
   */
  public close(): void {
    if (this.writing) return;
    const inherited = this.updated ? [] : this.inheritedRecord();
    if (inherited.length) {
      this.lock.record(inherited);
      return;
    }
    this.lock.release();
    if (this.created) removeEmptyFolder(this.outdir);
  }

  /** The files a crashed synth whose lock was taken over was creating. */
  private inheritedRecord(): string[] {
    return (this.lock.stale?.creating ?? []).filter(isOutputPath);
  }

  /**
   * Whether a file about to be written holds `content` already; false where there is none (or
   * where it stands in a folder's place but is a generated file about to be removed, `removable`).
   * Paths taken by a folder, or a folder path taken by a file the synth did not write, are conflicts.
   */
  private holdsGenerated(file: string, content: string, removable: (file: string) => boolean, conflicts: string[]): boolean {
    try {
      return holds(path.join(this.outdir, file), content);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return false;
      if (code === 'EISDIR') {
        conflicts.push(`${path.join(this.outdir, file)}: is a folder, where the synth writes a file. Fix: move the folder away`);
        return false;
      }
      if (code !== 'ENOTDIR') throw e;
      const parts = file.split('/');
      for (let i = 1; i < parts.length; i++) {
        const ancestor = parts.slice(0, i).join('/');
        if (fs.statSync(path.join(this.outdir, ancestor)).isDirectory()) continue;
        if (!removable(ancestor)) {
          conflicts.push(`${path.join(this.outdir, ancestor)}: is a file the synth did not write, where it needs a folder for ${file}. Fix: move the file away`);
        }
        return false;
      }
      throw e;
    }
  }

  /** Removes temporary files a crashed synth left in the given top-level folders (every one if undefined) and at the top. */
  private removeTemporaryFiles(roots: readonly string[] | undefined): void {
    const top = fs.readdirSync(this.outdir, { withFileTypes: true });
    for (const entry of top) {
      if (entry.isFile() && entry.name.endsWith(TEMPORARY)) fs.rmSync(path.join(this.outdir, entry.name), { force: true });
    }
    const folders = roots ?? top.filter((e) => e.isDirectory()).map((e) => e.name);
    for (const folder of folders) {
      const dir = path.join(this.outdir, folder);
      if (!fs.existsSync(dir)) continue;
      for (const file of fs.readdirSync(dir, { recursive: true }) as string[]) {
        if (file.endsWith(TEMPORARY)) fs.rmSync(path.join(dir, file), { force: true });
      }
    }
  }
}

let temporaries = 0;

/**
 * Writes a temporary file next to `target`, then renames it over `target` (atomic on POSIX). The
 * temporary name is short, so that it fits wherever the target's name does.
 */
function writeAtomically(target: string, content: string): void {
  const tmp = path.join(path.dirname(target), `.${process.pid}-${temporaries++}${TEMPORARY}`);
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, target);
}

function topFolder(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? file : file.slice(0, slash);
}

/** A relative path inside the output directory that is not the synth's own bookkeeping. */
function isOutputPath(file: string): boolean {
  const parts = file.split('/');
  return !path.isAbsolute(file) && !file.includes('\\') && parts.every((p) => p !== '' && p !== '.' && p !== '..') &&
    parts[0] !== OutputFolder.INDEX_FILE && !parts[0].startsWith(OutputLock.FILE) && !file.endsWith(TEMPORARY);
}

/** The paths an index lists; lines that are no path inside the output directory are ignored. */
function parseIndex(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#') && isOutputPath(line));
}

/** Buffers {@link holds} reuses: files are compared one at a time. */
let fileBytes = Buffer.allocUnsafe(64 * 1024);
let contentBytes = Buffer.allocUnsafe(64 * 1024);

/**
 * Whether the file's bytes are `content` as UTF-8 (as it would be written). Compared in reused
 * buffers: a fleet's unchanged files are not read into strings, tens of MB per synth.
 */
function holds(file: string, content: string): boolean {
  const length = Buffer.byteLength(content);
  if (fileBytes.length <= length) {
    fileBytes = Buffer.allocUnsafe(2 * length);
    contentBytes = Buffer.allocUnsafe(2 * length);
  }
  const fd = fs.openSync(file, 'r');
  let read = 0;
  try {
    // One byte more than the content: a longer file differs.
    for (let n = 1; n > 0 && read <= length; read += n) n = fs.readSync(fd, fileBytes, read, length + 1 - read, null);
  } finally {
    fs.closeSync(fd);
  }
  if (read !== length) return false;
  contentBytes.write(content, 0, length, 'utf8');
  return fileBytes.compare(contentBytes, 0, length, 0, length) === 0;
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Removes a file; false if there was none (a folder in its place is not the synth's and stays). */
function removeFile(file: string): boolean {
  try {
    fs.unlinkSync(file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return false;
    if (code === 'EPERM' && fs.lstatSync(file).isDirectory()) return false; // macOS reports a folder so
    throw e;
  }
}

/** Removes `dir` (relative to `outdir`) and its parents below `outdir` while they are empty. */
function removeEmptyFolders(outdir: string, dir: string): void {
  for (let d = dir; d !== '.' && d !== ''; d = path.dirname(d)) {
    if (!removeEmptyFolder(path.join(outdir, d))) return;
  }
}

function removeEmptyFolder(dir: string): boolean {
  try {
    fs.rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}
