import { Environment, ImagePolicy } from '../lib';

/**
 * Image references of the apps. CI replaces these pins when it builds a new image: a readable
 * tag where the environment allows one, the digest where it requires an immutable reference.
 * The digests below are placeholders of the right form until CI pins the real ones.
 */
const IMAGES = {
  journalServer: { tag: 'brendanburns/journal-server:v1.4.2', digest: 'brendanburns/journal-server@sha256:6bd5a8b31f5d2b02a2a7a8f3c56b1e8d3c8a3e1f94dbb1f7ee02f5c0a4d71c3e' },
  fileServer: { tag: 'nginxinc/nginx-unprivileged:1.25.3-alpine', digest: 'nginxinc/nginx-unprivileged@sha256:90b1e3bb23628612e5948cbdbe5420bd2f7cf938d57b139219dc43b9980b7fb0' },
  redis: { tag: 'redis:7.2.4-alpine', digest: 'redis@sha256:b2a3924efb506d583791dce304b3a5a7980990678198a56a5625df062517e708' },
  redisExporter: { tag: 'oliver006/redis_exporter:v1.58.0', digest: 'oliver006/redis_exporter@sha256:f7129112efcf39d3d3d063c2cfe2f8193a7bf4ae3cf0ee7ba882f010c398b9f3' },
  nginx: { tag: 'gihyodocker/nginx:3f9c2a1', digest: 'gihyodocker/nginx@sha256:503bfe0363b9e74e3f100875ad3dbd95542ced48b3d9fce880163b78dc9c4ee6' },
  echo: { tag: 'gihyodocker/echo:4d5e6f7', digest: 'gihyodocker/echo@sha256:ee6c0786df1edba0d6b16b6e06a90809e56cecb3759d3479715054108f8aa9df' },
  todoapi: { tag: 'gihyodocker/todoapi:9b8e7d6', digest: 'gihyodocker/todoapi@sha256:a01bb6c57838fab0ab5dc05604f11aa7d4ca23df89789aa7b7f01928645efb36' },
  mysql: { tag: 'mysql:5.7.44', digest: 'mysql@sha256:472ac36cc763190826bb16e0b19113eee89d81503d8babd974846b4d0009054e' },
  xtrabackup: { tag: 'gcr.io/google-samples/xtrabackup:1.0', digest: 'gcr.io/google-samples/xtrabackup@sha256:8d44a761b810f10f56833d5746bf282556922c15f938076b607a2a5eb18c89ea' },
  alpineBash: { tag: 'gihyodocker/alpine:bash', digest: 'gihyodocker/alpine@sha256:b5eb34cc42ba3e1b2ac8f9de8d7cce0c7243f0475d49cc013a3951950572330b' },
  kubectl: { tag: 'bitnami/kubectl:1.27.4', digest: 'bitnami/kubectl@sha256:a442783876f9eb6e7c306a3f0318185f8cd21e709664642e97531fe5664809cf' },
} as const;

/** The name of an app image. */
export type ImageName = keyof typeof IMAGES;

/** The reference of an app image that satisfies the environment's image policy. */
export function image(name: ImageName, environment: Environment): string {
  const pin = IMAGES[name];
  return environment.imagePolicy === ImagePolicy.IMMUTABLE ? pin.digest : pin.tag;
}
