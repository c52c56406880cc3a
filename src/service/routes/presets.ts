// /presets: the specs runnable by name.
import type { FastifyPluginAsync } from 'fastify';
import { listPresets } from '../../runner/presets.js';
import { PresetListSchema } from '../schemas/meta.js';

const presets: FastifyPluginAsync = async (app) => {
  app.get('', {
    schema: { tags: ['reference'], summary: 'Presets: POST {"preset": NAME} runs one', response: { 200: PresetListSchema } },
  }, async () => listPresets());
};
export default presets;
