import { createChannelSelector } from './partitioners';
import { assignToKeyGroup, computeOperatorIndexForKeyGroup } from './key-groups';

const pick = <T>(sel: { selectChannel(v: T): number }, values: T[]): number[] => values.map((v) => sel.selectChannel(v));
const n = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

describe('createChannelSelector', () => {
  it('forward and global send everything to channel 0', () => {
    expect(pick(createChannelSelector<number>('forward', { numChannels: 1, producerSubtask: 3 }), n(5))).toEqual([0, 0, 0, 0, 0]);
    expect(pick(createChannelSelector<number>('global', { numChannels: 4, producerSubtask: 2 }), n(5))).toEqual([0, 0, 0, 0, 0]);
    expect(() => createChannelSelector('forward', { numChannels: 2, producerSubtask: 0 })).toThrow(/forward/);
  });

  it('rebalance is round robin starting at producerSubtask % numChannels', () => {
    expect(pick(createChannelSelector<number>('rebalance', { numChannels: 4, producerSubtask: 1 }), n(6))).toEqual([1, 2, 3, 0, 1, 2]);
    expect(pick(createChannelSelector<number>('rebalance', { numChannels: 4, producerSubtask: 6 }), n(5))).toEqual([2, 3, 0, 1, 2]);
    expect(pick(createChannelSelector<number>('rebalance', { numChannels: 1, producerSubtask: 5 }), n(3))).toEqual([0, 0, 0]);
  });

  it('rescale is round robin over the producer\'s own consumers from 0', () => {
    expect(pick(createChannelSelector<number>('rescale', { numChannels: 3, producerSubtask: 5 }), n(7))).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('shuffle uses the injected random source', () => {
    const draws = [0, 0.5, 0.99, 0.25, 0.74];
    let i = 0;
    const sel = createChannelSelector<number>('shuffle', { numChannels: 4, producerSubtask: 0, random: () => draws[i++] });
    expect(pick(sel, n(5))).toEqual([0, 2, 3, 1, 2]);
    expect(() => createChannelSelector('shuffle', { numChannels: 4, producerSubtask: 0 })).toThrow(/random/);
  });

  it('broadcast is flagged and has no single channel', () => {
    const sel = createChannelSelector<number>('broadcast', { numChannels: 3, producerSubtask: 0 });
    expect(sel.isBroadcast).toBe(true);
    expect(() => sel.selectChannel(1)).toThrow(/broadcastEmit/);
    expect(createChannelSelector<number>('rebalance', { numChannels: 3, producerSubtask: 0 }).isBroadcast).toBe(false);
  });

  it('hash sends a key to the subtask owning its key group', () => {
    const sel = createChannelSelector<{ user: string }>('hash', {
      numChannels: 4, producerSubtask: 0, keySelector: (v) => v.user, maxParallelism: 128,
    });
    // 'hello' is in key group 35 of 128; 35 * 4 / 128 = 1.09.
    expect(sel.selectChannel({ user: 'hello' })).toBe(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const user = `u${i}`;
      const channel = sel.selectChannel({ user });
      expect(channel).toBe(computeOperatorIndexForKeyGroup(128, 4, assignToKeyGroup(user, 128)));
      expect(sel.selectChannel({ user })).toBe(channel);
      counts[channel]++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(700);
  });

  it('hash defaults maxParallelism to defaultMaxParallelism(numChannels) and needs a key selector', () => {
    const sel = createChannelSelector<string>('hash', { numChannels: 2, producerSubtask: 0, keySelector: (v) => v });
    expect(sel.selectChannel('hello')).toBe(computeOperatorIndexForKeyGroup(128, 2, 35));
    expect(() => createChannelSelector('hash', { numChannels: 2, producerSubtask: 0 })).toThrow(/keySelector/);
  });
});
