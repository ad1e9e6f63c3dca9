import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/** Smaller than this, a response goes out as it is: compressing it costs more than the bytes it saves. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/** JSON and text (the release list, a log download); never binary bodies, which are compressed already if at all. */
const COMPRESSIBLE = /^(?:application\/(?:[\w.+-]+\+)?json|text\/)/;

/**
 * Responses of at least COMPRESSION_THRESHOLD_BYTES in brotli or gzip, as the client's Accept-Encoding prefers.
 * WebSocket routes are left out: their only HTTP response is the upgrade. Request bodies are never inflated: the
 * body limit counts the bytes that arrive, and a small compressed body could stand for a very large one.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  // Runs before the plugin's own onRoute hook, which reads `compress` from the route's options.
  app.addHook('onRoute', (route) => {
    if (route.websocket) route.compress = false;
  });
  await app.register(compress, {
    threshold: COMPRESSION_THRESHOLD_BYTES,
    encodings: ['br', 'gzip'],
    customTypes: COMPRESSIBLE,
    globalDecompression: false,
  });
}
