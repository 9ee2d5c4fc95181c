import {
  blueberryPlugin,
  EntityBlueberryContent,
  EntityBlueberryEnvironmentsCard,
} from './plugin';

describe('the classic plugin', () => {
  it('has the id blueberry and provides the card, the tab and the client', () => {
    expect(blueberryPlugin.getId()).toBe('blueberry');
    expect([...blueberryPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.blueberry.service',
    ]);
    expect(EntityBlueberryEnvironmentsCard).toBeDefined();
    expect(EntityBlueberryContent).toBeDefined();
  });
});
