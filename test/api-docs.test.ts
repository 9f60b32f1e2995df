import * as path from 'path';
import { run } from './support/consumer-app';

const ROOT = path.join(__dirname, '..');

// `npm run docs` generates the API reference with typedoc and fails on an export or public member
// without a doc comment, on a public type that references an unexported one, and on a broken
// {@link}. Here without writing the pages.
test('every export of the package is documented (typedoc validation)', () => {
  const docs = run(ROOT, 'npx', ['typedoc', '--emit', 'none']);
  expect(docs).toMatchObject({ status: 0 });
  expect(docs.output).not.toMatch(/warning|error/i);
}, 120_000);
