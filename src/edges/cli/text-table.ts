/** A column of a text table; `cut` says how a cell is shortened when the table must fit a width. */
export interface TextColumn {
  title: string;
  /** `middle` keeps both ends (keys: the folder and the extension), `end` keeps the start (messages). */
  cut?: 'middle' | 'end';
  /** Never cut below this many characters. */
  minWidth?: number;
}

const gap = '  ';

function length(text: string): number {
  return [...text].length;
}

/** Shortens text to `width` characters with an ellipsis where `cut` says. */
function cutText(text: string, width: number, cut: 'middle' | 'end'): string {
  const characters = [...text];
  if (characters.length <= width) return text;
  if (width <= 1) return '…';
  if (cut === 'end') return `${characters.slice(0, width - 1).join('')}…`;
  const head = Math.ceil((width - 1) / 2);
  return `${characters.slice(0, head).join('')}…${characters.slice(characters.length - (width - 1 - head)).join('')}`;
}

/**
 * Widths that fit `maxWidth`: the widest cuttable column gives up a character at a time (so a
 * long key and a long message end up sharing the room), none below its minimum. Columns
 * without `cut` keep their width; a table that cannot fit stays wider.
 */
function fittedWidths(columns: readonly TextColumn[], natural: number[], maxWidth: number | undefined): number[] {
  const widths = [...natural];
  if (maxWidth === undefined) return widths;
  const floors = columns.map((column, index) => Math.min(natural[index] ?? 0, Math.max(column.minWidth ?? 8, length(column.title))));
  let excess = widths.reduce((sum, width) => sum + width, 0) + gap.length * (widths.length - 1) - maxWidth;
  while (excess > 0) {
    let widest = -1;
    columns.forEach((column, index) => {
      if (column.cut !== undefined && (widths[index] ?? 0) > (floors[index] ?? 0) && (widest === -1 || (widths[index] ?? 0) >= (widths[widest] ?? 0))) widest = index;
    });
    if (widest === -1) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
    excess -= 1;
  }
  return widths;
}

/**
 * A plain text table, columns sized to their content, the last column unpadded. With
 * `maxWidth` (a terminal's width), long cells are cut so each line fits.
 */
export function renderTextTable(columns: readonly TextColumn[], rows: readonly string[][], maxWidth?: number): string {
  const natural = columns.map((column, index) => Math.max(length(column.title), ...rows.map((row) => length(row[index] ?? ''))));
  const widths = fittedWidths(columns, natural, maxWidth);
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const width = widths[index] ?? 0;
        const cell = cutText(cells[index] ?? '', width, column.cut ?? 'end');
        return index === columns.length - 1 ? cell : cell + ' '.repeat(width - length(cell));
      })
      .join(gap)
      .trimEnd();
  return `${[line(columns.map((column) => column.title)), ...rows.map(line)].join('\n')}\n`;
}
