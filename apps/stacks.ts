import { StackDefinition } from '../lib';
import { journal } from './journal';

/** Every app stack, one folder each under `dist/<environment>/`. */
export const stacks: StackDefinition[] = [journal];
