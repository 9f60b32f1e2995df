import { spawn } from 'child_process';
import * as fs from 'fs';

/**
 * Wall time and peak resident memory of one child process. With GNU time, the peak is the highest
 * of the process and each of its descendants (e.g. the cdk8s CLI and the app it runs), not their sum.
 */
export interface Measurement {
  readonly seconds: number;
  /** Peak RSS in MiB (from GNU time, or VmHWM polled from /proc). */
  readonly peakRssMiB: number;
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Extra environment variables. */
  readonly env?: Record<string, string>;
  /** File the child's stdout is written to. */
  readonly stdoutFile?: string;
  /**
   * Working directory of the child.
   * @default - the bench's
   */
  readonly cwd?: string;
}

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = fs.existsSync(GNU_TIME);

/** Runs `command args`, failing with its stderr unless it exits 0. */
export function measure(command: string, args: string[], options: MeasureOptions = {}): Promise<Measurement> {
  const rssFile = `${options.stdoutFile ?? '/tmp/bench'}.${process.pid}.rss`;
  const [cmd, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const stdout = options.stdoutFile ? fs.openSync(options.stdoutFile, 'w') : 'ignore';
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', stdout, 'pipe'] });
    let stderr = '';
    let polledKiB = 0;
    child.stderr!.on('data', (d) => { stderr += d; });
    const poll = hasGnuTime ? undefined : setInterval(() => { polledKiB = Math.max(polledKiB, vmHwmKiB(child.pid)); }, 10);
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (poll) clearInterval(poll);
      if (typeof stdout === 'number') fs.closeSync(stdout);
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr}`));
        return;
      }
      let kib = polledKiB;
      if (hasGnuTime) {
        kib = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
        fs.rmSync(rssFile, { force: true });
      }
      resolve({ seconds, peakRssMiB: kib / 1024 });
    });
  });
}

function vmHwmKiB(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
