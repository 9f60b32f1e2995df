import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Who holds an output folder's lock, as its lock file records it. */
export interface LockHolder {
  /** Process id of the synth. */
  readonly pid: number;
  /** Host it runs on: a process on another host cannot be checked, so its lock is never taken over. */
  readonly hostname: string;
  /**
   * Start time of the process (Linux `/proc/<pid>/stat`, clock ticks since boot), so that another
   * process that got the same pid after a crash is not taken for the holder.
   * @default - not recorded (no /proc)
   */
  readonly startTime?: number;
  /** When it took the lock (ISO 8601). */
  readonly started: string;
  /** Its command line, for the message of a refused synth. */
  readonly command: string;
  /**
   * Files the holder is about to create that the folder's index does not list yet: a holder that
   * crashed leaves them in its lock, and the next synth treats them as generated.
   * @default - none
   */
  readonly creating?: string[];
}

/** A second synth into the same folder: refused at once, naming the holder. */
export class OutputLockedError extends Error {
  /**
   * @param lockFile the lock file found
   * @param holder the synth holding it
   */
  constructor(public readonly lockFile: string, public readonly holder: LockHolder) {
    super(`${lockFile}: another synth is writing this folder: pid ${holder.pid} on ${holder.hostname}, started ${holder.started} (${holder.command}). ` +
      'Fix: wait for it to finish; if no such process runs any more (e.g. the lock comes from another machine), delete the lock file');
    this.name = 'OutputLockedError';
  }
}

/**
 * The lock of an output folder: a file `.synth.lock` in it, created atomically (a complete file
 * is hard-linked into place, so it is never seen empty), holding the holder's pid. A lock whose
 * process is gone (crashed, killed) is stale: the next synth takes it over and learns from it
 * which files the crashed synth may have created.
 */
export class OutputLock {
  /** Name of the lock file inside the folder. */
  public static readonly FILE = '.synth.lock';

  /**
   * Takes the lock of `outdir` (which must exist), taking over a stale one; throws
   * {@link OutputLockedError} at once when a live process holds it.
   */
  public static acquire(outdir: string): OutputLock {
    const file = path.join(outdir, OutputLock.FILE);
    const me: LockHolder = {
      pid: process.pid,
      hostname: os.hostname(),
      startTime: startTimeOf(process.pid),
      started: new Date().toISOString(),
      command: process.argv.map((a) => path.relative(process.cwd(), a) || a).join(' '),
    };
    let stale: LockHolder | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (linkNew(file, JSON.stringify(me))) {
        removeLeftovers(outdir);
        return new OutputLock(file, me, stale);
      }
      const text = readIfExists(file);
      if (text === undefined) continue; // released meanwhile
      const holder = parseHolder(text);
      if (holder && isRunning(holder) !== false) {
        throw new OutputLockedError(file, holder);
      }
      // Stale (or unreadable): move it aside under a name of our own, atomically, so that of two
      // synths finding it only one takes it over; the other then finds the new holder's lock.
      const aside = `${file}.${process.pid}.stale`;
      try {
        fs.renameSync(file, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      if (fs.readFileSync(aside, 'utf8') !== text) {
        fs.renameSync(aside, file); // a live lock taken in between: give it back
        continue;
      }
      fs.rmSync(aside);
      stale = holder ?? { pid: 0, hostname: '?', started: '?', command: `unreadable lock: ${JSON.stringify(text.slice(0, 80))}` };
    }
    throw new Error(`${file}: could not take the lock (it changed hands five times). Fix: run the synth again`);
  }

  private released = false;

  private constructor(
    /** Path of the lock file. */
    public readonly file: string,
    private holder: LockHolder,
    /** The crashed synth whose lock was taken over, if any. */
    public readonly stale: LockHolder | undefined,
  ) {}

  /** Records in the lock the files about to be created (replacing the lock file atomically). */
  public record(creating: string[]): void {
    this.holder = { ...this.holder, creating };
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.holder));
    fs.renameSync(tmp, this.file);
  }

  /** Removes the lock file, if it is still this process's. */
  public release(): void {
    if (this.released) return;
    this.released = true;
    const holder = parseHolder(readIfExists(this.file) ?? '');
    if (holder?.pid === process.pid && holder.hostname === this.holder.hostname) {
      fs.rmSync(this.file, { force: true });
    }
  }
}

/** Creates `file` with `content` unless it exists: written to a temporary file, then hard-linked. */
function linkNew(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Removes the lock's temporary files (`.synth.lock.<pid>.tmp`, `.stale`) that processes killed meanwhile left. */
function removeLeftovers(outdir: string): void {
  for (const name of fs.readdirSync(outdir)) {
    const m = new RegExp(`^${OutputLock.FILE.replace(/\./g, '\\.')}\\.(\\d+)\\.(tmp|stale)$`).exec(name);
    if (m && Number(m[1]) !== process.pid && isRunning({ pid: Number(m[1]), hostname: os.hostname(), started: '', command: '' }) === false) {
      fs.rmSync(path.join(outdir, name), { force: true });
    }
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(text);
    return Number.isInteger(holder?.pid) && typeof holder.hostname === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the holder still runs: false if it is gone, undefined if it cannot be told (another host). */
function isRunning(holder: LockHolder): boolean | undefined {
  if (holder.hostname !== os.hostname()) return undefined;
  // The output is written synchronously: a lock of this very process is a leftover of a write
  // that failed, never a synth still running.
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const stat = procStat(holder.pid);
  if (!stat) return true;
  // A killed process whose parent died too stays a zombie until init reaps it: it holds nothing.
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return holder.startTime === undefined || stat.startTime === holder.startTime;
}

/** Start time of a process in clock ticks since boot, where there is a /proc. */
function startTimeOf(pid: number): number | undefined {
  return procStat(pid)?.startTime;
}

/** State (field 3) and start time (field 22) of a process from /proc/<pid>/stat, where there is a /proc. */
function procStat(pid: number): { state: string; startTime: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], startTime: Number(fields[19]) };
  } catch {
    return undefined;
  }
}
