import { ContainerProps } from '../../lib';

/** The notes' pingpong container (000): ping, sleep ten seconds, pong. */
export const PINGPONG: ContainerProps = {
  name: 'pingpong',
  image: 'gihyodocker/alpine:bash',
  command: ['/bin/sh'],
  args: ['-c', 'echo [`date`] ping!\nsleep 10\necho [`date`] pong!\n'],
};
