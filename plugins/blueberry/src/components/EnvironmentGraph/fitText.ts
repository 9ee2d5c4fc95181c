/**
 * The graph draws every node in a box of one fixed width, so boxes never overlap and text is never
 * wider than its box. Text is truncated to a character budget from the box width and the font
 * size; 0.6em per character is the advance of a monospace glyph and above the average of the
 * proportional sans-serif fonts the theme uses, so a truncated line fits in any of them.
 */
export const CHAR_WIDTH_EM = 0.6;

/** How many characters of text of `fontSize` px fit in `width` px. */
export function characterBudget(width: number, fontSize: number): number {
  return Math.max(1, Math.floor(width / (fontSize * CHAR_WIDTH_EM)));
}

/** `text` as it fits in `width` px: whole, or cut with an ellipsis that counts in the budget. */
export function fitText(text: string, width: number, fontSize: number): string {
  const budget = characterBudget(width, fontSize);
  const characters = Array.from(text);
  if (characters.length <= budget) return text;
  return `${characters.slice(0, budget - 1).join('')}…`;
}
