// pino JSON lines for the API and the worker; `role` tells their lines apart when one process
// (`mutexlab start`) runs both.
import { pino, type Logger } from 'pino';
import type { Config } from '../jobs/config.js';

export function createLogger(config: Pick<Config, 'logLevel'>, role: string): Logger {
  return pino({ level: config.logLevel, base: { role, pid: process.pid } });
}
