import { Yaml } from 'cdk8s';
import { createPlatform } from '../apps/platform';
import { fleetPlatform } from '../bench/fleet';
import { Rendering } from '../lib';

/**
 * The synth writes manifests with the fast YamlWriter; these tests prove every file is
 * byte-identical to what cdk8s `Yaml.stringify` (the reference path) writes for the same object.
 */
function expectReferenceYaml(rendering: Rendering): void {
  expect(rendering.manifests.length).toBeGreaterThan(0);
  for (const m of rendering.manifests) {
    expect({ file: m.file, yaml: rendering.files.get(m.file) }).toEqual({ file: m.file, yaml: Yaml.stringify(m.object) });
  }
}

test('every shipped stack is written exactly as Yaml.stringify writes it', () => {
  expectReferenceYaml(createPlatform().render());
});

test('the benchmark fleet is written exactly as Yaml.stringify writes it, without falling back', () => {
  const spy = jest.spyOn(Yaml, 'stringify');
  let rendering: Rendering;
  try {
    rendering = fleetPlatform(25).render();
    expect(spy).not.toHaveBeenCalled();
  } finally {
    spy.mockRestore();
  }
  expectReferenceYaml(rendering);
});
