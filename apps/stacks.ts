import { StackDefinition } from '../lib';
import { argocd } from './argocd';
import { journal } from './journal';

/** The app stacks Argo CD delivers, one folder each under `dist/<environment>/`. */
export const apps: StackDefinition[] = [journal];

/** Every stack: the apps and their Argo CD Applications (`dist/<environment>/argocd/`). */
export const stacks: StackDefinition[] = [...apps, argocd(apps)];
