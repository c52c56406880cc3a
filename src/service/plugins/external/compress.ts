// Compression of what the API sends (@fastify/compress): JSON and problem+json, the NDJSON trace
// (streamed: compressed as it is decompressed from Redis), the Chrome trace and the SVG timeline.
// br is preferred over gzip when the client takes both; below 1 KiB nothing is compressed.
// Server-Sent Events are hijacked replies and never pass through here (a compressor would buffer
// the events). Request bodies are not decompressed: the API takes plain JSON only, and a
// compressed body could expand far beyond the body limit's intent.
import compress from '@fastify/compress';
import fp from 'fastify-plugin';

/** The content types worth compressing; everything the API sends that is text. */
export const COMPRESSIBLE = /^(application\/(json|problem\+json|x-ndjson)|image\/svg\+xml|text\/(plain|html|css|javascript))\b/;

export default fp(async (app) => {
  await app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    customTypes: COMPRESSIBLE,
    globalDecompression: false,
  });
}, { name: 'compress' });
