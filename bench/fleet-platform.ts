import { Platform } from '../lib';
import { fleetPlatform } from './fleet';

/** The fleet as a platform module for `npm run plan -- --platform bench/fleet-platform`: `FLEET_SIZE` services. */
export function createPlatform(): Platform {
  return fleetPlatform(Number(process.env.FLEET_SIZE ?? '10'));
}
