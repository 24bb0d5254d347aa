import { SILENT_LOGGER, type LogFields, type Logger } from './logger';
import { createThreadLogger, lazyLogger } from './thread-logger';

/** A logger that records its lines and the children made from it. */
function recording(lines: unknown[][], bindings: LogFields = {}): Logger {
  const at = (level: string) => (a: LogFields | string, b?: string) => lines.push([level, bindings, a, b]);
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (more) => recording(lines, { ...bindings, ...more }), isLevelEnabled: () => true };
}

describe('a slot thread logger (lazyLogger: the real logger on the first line at its level)', () => {
  it('makes the real logger only for a line at an enabled level, once, and children through it', () => {
    const lines: unknown[][] = [];
    let created = 0;
    const logger = lazyLogger('warn', () => {
      created++;
      return recording(lines);
    });
    const child = logger.child({ attemptId: 'a-1' });
    logger.info('below the level');
    child.debug({ x: 1 }, 'below too');
    expect(created).toBe(0);
    expect([logger.isLevelEnabled('info'), logger.isLevelEnabled('warn'), logger.isLevelEnabled('error'), logger.isLevelEnabled('off')]).toEqual([false, true, true, false]);
    child.error({ code: 'X' }, 'from the slot');
    logger.warn('from the thread');
    expect(created).toBe(1);
    expect(lines).toEqual([
      ['error', { attemptId: 'a-1' }, { code: 'X' }, 'from the slot'],
      ['warn', {}, 'from the thread', undefined],
    ]);
  });

  it('is silent at off, without a real logger', () => {
    expect(createThreadLogger('off', {}, () => undefined)).toBe(SILENT_LOGGER);
  });
});
