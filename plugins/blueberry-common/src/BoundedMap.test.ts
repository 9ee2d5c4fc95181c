import { BoundedMap } from './BoundedMap';

describe('BoundedMap', () => {
  it('forgets the least recently written entry beyond its size', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('c', 3);
    expect(map.size).toBe(2);
    expect(map.has('a')).toBe(false);
    expect([...map.keys()]).toEqual(['b', 'c']);
  });

  it('counts a read as a use, so the entry read survives', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect([...map.keys()]).toEqual(['a', 'c']);
    expect(map.get('b')).toBeUndefined();
  });

  it('does not count a peek as a use', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.peek('a')).toBe(1);
    map.set('c', 3);
    expect([...map.keys()]).toEqual(['b', 'c']);
    expect(map.peek('a')).toBeUndefined();
    expect([...map.entries()]).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('keeps a falsy value and rewrites without growing', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('zero', 0).set('zero', 0);
    expect(map.size).toBe(1);
    expect(map.get('zero')).toBe(0);
    expect(map.delete('zero')).toBe(true);
    expect(map.size).toBe(0);
  });

  it('refuses a size that holds nothing', () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError);
    expect(() => new BoundedMap(1.5)).toThrow(RangeError);
  });
});
