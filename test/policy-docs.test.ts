import * as fs from 'fs';
import { PLATFORM_RULES } from '../lib';
import { RULES_DOC, rulesMarkdown } from '../scripts/rules-doc';

test('docs/rules.md is the catalogue generated from the rules', () => {
  const committed = fs.existsSync(RULES_DOC) ? fs.readFileSync(RULES_DOC, 'utf-8') : '';
  if (committed !== rulesMarkdown()) {
    throw new Error('docs/rules.md is stale: run `npx tsc -p . && node build/scripts/rules-doc.js` and commit it');
  }
});

test('every rule has a section with severity, rationale, fix and how to waive', () => {
  const doc = rulesMarkdown();
  for (const r of PLATFORM_RULES) {
    const section = doc.slice(doc.indexOf(`### ${r.id} ${r.name}`));
    expect(section).toContain(`- **Severity:** ${r.severity}`);
    expect(section).toContain(`- **Why:** ${r.rationale}`);
    expect(section).toContain(`- **Fix:** ${r.fix}`);
    expect(section).toMatch(/- \*\*Waive:\*\* /);
  }
});
