/**
 * What a terminal shows after some output: enough of one to read progress bars back — line feeds,
 * carriage returns, cursor up/down and to a column, erase line, erase below. Other escape
 * sequences (cursor hide/show, line wrapping) change no text.
 */
export function screen(raw: string): string[] {
  const lines = [''];
  let row = 0;
  let col = 0;
  const down = (n: number) => {
    row += n;
    while (lines.length <= row) lines.push('');
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\x1b') {
      const m = /^\x1b(?:\[([0-9;?]*)([A-Za-z])|[78])/.exec(raw.slice(i));
      if (!m) continue;
      i += m[0].length - 1;
      const n = Number(m[1] || 1);
      if (m[2] === 'A') row = Math.max(0, row - n);
      else if (m[2] === 'B') down(n);
      else if (m[2] === 'G') col = n - 1;
      else if (m[2] === 'K') lines[row] = m[1] === '2' ? '' : lines[row].slice(0, col);
      else if (m[2] === 'J') (lines[row] = lines[row].slice(0, col)), (lines.length = row + 1);
    } else if (c === '\n') {
      down(1);
      col = 0;
    } else if (c === '\r') col = 0;
    else {
      const l = lines[row].padEnd(col);
      lines[row] = l.slice(0, col) + c + l.slice(col + 1);
      col++;
    }
  }
  return lines.map((l) => l.trimEnd());
}
