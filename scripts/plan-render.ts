import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** What a render child hands back to `scripts/plan.ts`, as JSON in a file. */
export interface RenderResult {
  /** Rendered environments in output order, with what orders them in the plan. */
  readonly environments?: { name: string; sync?: string; imagePolicy?: string }[];
  readonly objects?: { environment: string; app: string; file: string; object: any }[];
  /** Git blob id of every rendered manifest file (`*.k8s.yaml`), to compare with a committed dist/. */
  readonly blobs?: Record<string, string>;
  /** Why the tree did not render. */
  readonly error?: string;
}

/**
 * `node build/scripts/plan-render.js <root> <platform module> <out.json>`: renders the platform of
 * a source tree in memory and writes the objects to `out.json`. Run as a child process, once for
 * the working tree and once for the base's export, so that the two trees' modules never meet in
 * one process. TypeScript is compiled as it is loaded, with SWC (the transform the tests use):
 * only the modules the platform imports, in milliseconds, and the same way for both trees.
 */
function main(): void {
  const [root, platformModule, out] = process.argv.slice(2);
  let result: RenderResult;
  try {
    compileTypeScriptOnLoad(path.resolve(root));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(path.resolve(root, platformModule));
    if (typeof module.createPlatform !== 'function') {
      throw new Error(`${platformModule} does not export createPlatform()`);
    }
    const platform = module.createPlatform();
    const rendering = platform.render();
    const rendered = new Set<string>(rendering.manifests.map((m: any) => m.environment));
    const blobs: Record<string, string> = {};
    for (const [file, content] of rendering.files as Map<string, string>) {
      if (file.endsWith('.k8s.yaml')) blobs[file] = gitBlobId(content);
    }
    result = {
      environments: (platform.props.environments as any[]).filter((e) => rendered.has(e.name)).map((e) => ({ name: e.name, sync: e.sync, imagePolicy: e.imagePolicy })),
      objects: rendering.manifests.map((m: any) => ({ environment: m.environment, app: m.app, file: m.file, object: m.object })),
      blobs,
    };
  } catch (e) {
    result = { error: e instanceof Error ? e.message : String(e) };
  }
  fs.writeFileSync(out, JSON.stringify(result));
}

/** Loads `.ts` files under `root` (outside node_modules) through SWC's TypeScript transform. */
function compileTypeScriptOnLoad(root: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const swc = require('@swc/core');
  const extensions = (require as any).extensions;
  extensions['.ts'] = (module: any, filename: string) => {
    if (!filename.startsWith(root + path.sep) || filename.includes(`${path.sep}node_modules${path.sep}`)) {
      throw new Error(`refusing to load ${filename}: not a source file of ${root}`);
    }
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      swcrc: false,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2020' },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    });
    module._compile(code, filename);
  };
}

/** `git hash-object` of a text: the id git gives the committed file with this content. */
export function gitBlobId(content: string): string {
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

if (require.main === module) main();
