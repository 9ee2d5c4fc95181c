/** A markdown table of what a suite checked, printed at its end. */
export class ResultTable {
  readonly #header: string[];
  readonly #rows: string[][] = [];

  constructor(header: string[]) {
    this.#header = header;
  }

  add(...cells: string[]): void {
    this.#rows.push(cells);
  }

  get size(): number {
    return this.#rows.length;
  }

  toMarkdown(): string {
    const escape = (cell: string) =>
      cell.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
    const line = (cells: string[]) => `| ${cells.map(escape).join(' | ')} |`;
    return [
      line(this.#header),
      line(this.#header.map(() => '---')),
      ...this.#rows.map(line),
    ].join('\n');
  }
}
