import { editDistance, suggestKeys } from './suggest';

describe('editDistance', () => {
  it.each<[string, string, number]>([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['taskmanager.numberOfTaskSlot', 'taskmanager.numberOfTaskSlots', 1],
    ['same', 'same', 0],
  ])('%p -> %p = %p', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('suggestKeys', () => {
  const known = ['taskmanager.numberOfTaskSlots', 'parallelism.default', 'pipeline.max-parallelism', 'state.backend.type', 'plugins'];

  it('suggests the closest keys first, ignoring case', () => {
    expect(suggestKeys('taskmanager.numberOfTaskSlot', known)).toEqual(['taskmanager.numberOfTaskSlots']);
    expect(suggestKeys('TASKMANAGER.NUMBEROFTASKSLOTS', known)).toEqual(['taskmanager.numberOfTaskSlots']);
    expect(suggestKeys('paralelism.default', known)).toEqual(['parallelism.default']);
  });

  it('orders by distance, then by name, and honours the limit', () => {
    expect(suggestKeys('ab', ['ac', 'abcd', 'aa', 'xyz'])).toEqual(['aa', 'ac', 'abcd']);
    expect(suggestKeys('ab', ['ac', 'abcd', 'aa'], 1)).toEqual(['aa']);
  });

  it('suggests nothing for unrelated keys', () => {
    expect(suggestKeys('zzz', known)).toEqual([]);
    expect(suggestKeys('web.port', known)).toEqual([]);
  });
});
