import * as fs from 'fs';
import * as path from 'path';

/**
 * Brings folders of an output directory to exactly a set of files, touching only what changed:
 * unchanged files are left alone (their mtime too), changed and new ones are written, files no
 * longer rendered and folders left empty are removed. Rewriting thousands of unchanged manifests
 * was most of the synth time of a large fleet, and most synths change few files.
 */
export class OutputFolder {
  /**
   * Makes `<outdir>/<root>/` for each root hold exactly the `files` under it (paths relative to
   * `outdir`, each starting with one of the roots): the result is the same as deleting the roots
   * and writing every file.
   */
  public static sync(outdir: string, roots: Iterable<string>, files: ReadonlyMap<string, string>): void {
    const existingFiles = new Set<string>();
    const existingDirs: string[] = [];
    for (const root of roots) {
      walk(outdir, root, existingFiles, existingDirs);
    }
    const wantedDirs = new Set<string>();
    for (const file of files.keys()) {
      for (let dir = path.dirname(file); dir !== '.' && !wantedDirs.has(dir); dir = path.dirname(dir)) {
        wantedDirs.add(dir);
      }
    }
    for (const file of existingFiles) {
      if (!files.has(file) || wantedDirs.has(file)) {
        fs.rmSync(path.join(outdir, file), { force: true });
        existingFiles.delete(file);
      }
    }
    for (const dir of existingDirs) {
      if (files.has(dir)) {
        fs.rmSync(path.join(outdir, dir), { recursive: true, force: true });
      }
    }
    const made = new Set<string>();
    for (const [file, content] of files) {
      const target = path.join(outdir, file);
      if (existingFiles.has(file) && fs.readFileSync(target, 'utf8') === content) {
        continue;
      }
      const dir = path.dirname(target);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      fs.writeFileSync(target, content);
    }
    // Deepest first, so that a folder whose subfolders were all removed is removed too.
    for (const dir of existingDirs.reverse()) {
      if (!wantedDirs.has(dir) && !files.has(dir) && fs.existsSync(path.join(outdir, dir)) && fs.readdirSync(path.join(outdir, dir)).length === 0) {
        fs.rmdirSync(path.join(outdir, dir));
      }
    }
  }

  private constructor() {}
}

/** Collects the files (anything but folders) and folders under `outdir/rel`, parents before children. */
function walk(outdir: string, rel: string, files: Set<string>, dirs: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(outdir, rel), { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') {
      files.add(rel);
      return;
    }
    throw e;
  }
  dirs.push(rel);
  for (const entry of entries) {
    const child = path.join(rel, entry.name);
    if (entry.isDirectory()) walk(outdir, child, files, dirs);
    else files.add(child);
  }
}
