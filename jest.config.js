/** Jest with the SWC transform: no type-checking at test time (`npm run build` does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Fixture apps run their own jest (test/consumer.test.ts).
  testPathIgnorePatterns: ['/node_modules/', '/test/fixtures/'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
