// `mutexlab api`: the HTTP API alone (scale it apart from the workers, against one Redis).
import { configOrExit, serve } from './serve.js';

export async function apiCommand(_args: string[]): Promise<number> {
  const config = configOrExit();
  if (typeof config === 'number') return config;
  return serve(config, { api: true, worker: false });
}
