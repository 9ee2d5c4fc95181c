import { parseFields, pickFields } from './fields';

describe('fields', () => {
  const list = {
    metadata: { resourceVersion: '9', continue: '' },
    items: [
      {
        metadata: { name: 'a', labels: { x: '1' } },
        status: { health: { status: 'Healthy' }, sync: {} },
      },
      { metadata: { name: 'b' }, status: { sync: {} } },
    ],
  };

  it('keeps only the named paths, through arrays', () => {
    const tree = parseFields([
      'metadata.resourceVersion,items.metadata.name',
      'items.status.health',
    ])!;
    expect(pickFields(list, tree)).toEqual({
      metadata: { resourceVersion: '9' },
      items: [
        { metadata: { name: 'a' }, status: { health: { status: 'Healthy' } } },
        { metadata: { name: 'b' }, status: {} },
      ],
    });
  });

  it('keeps everything under a shorter path', () => {
    expect(
      pickFields(list, parseFields(['items.metadata', 'items.metadata.name'])!),
    ).toEqual({
      items: [
        { metadata: { name: 'a', labels: { x: '1' } } },
        { metadata: { name: 'b' } },
      ],
    });
  });

  it('means no trimming when empty', () => {
    expect(parseFields([])).toBeUndefined();
    expect(parseFields([' , '])).toBeUndefined();
  });
});
