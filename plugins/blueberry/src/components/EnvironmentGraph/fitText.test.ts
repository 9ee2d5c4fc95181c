import { characterBudget, fitText } from './fitText';

describe('fitText', () => {
  it('keeps text within the budget whole and cuts longer text to the budget with an ellipsis', () => {
    // 224 px of 12 px text at 0.6em a character: 31 characters.
    expect(characterBudget(224, 12)).toBe(31);
    expect(fitText('Deployment shop-backend', 224, 12)).toBe(
      'Deployment shop-backend',
    );
    const cut = fitText('x'.repeat(40), 224, 12);
    expect(cut).toBe(`${'x'.repeat(30)}…`);
    expect(Array.from(cut)).toHaveLength(31);
    // Counted in code points, so a cut never splits a character in two.
    expect(Array.from(fitText('🫐'.repeat(40), 224, 12))).toHaveLength(31);
  });
});
