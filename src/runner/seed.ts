// Seeds for specs that name none. Lives outside src/engine, which has no randomness of its own.
import { randomInt } from 'node:crypto';

export const chooseSeed = (): number => randomInt(0, 2 ** 31);
