import { Environment } from '../lib';

/**
 * The environments every app is rendered for, in output order. Adding one is one line, e.g.
 * `Environment.qa({ baseDomain: 'qa.example.com' }),`.
 */
export const environments: Environment[] = [
  Environment.dev({ baseDomain: 'dev.example.com' }),
  Environment.stage({ baseDomain: 'stage.example.com' }),
  Environment.prod({ baseDomain: 'example.com' }),
];
