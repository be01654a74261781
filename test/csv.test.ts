// Issue 11 §6: the CLI's data CSV. Only a first line with no numeric field is a header; a typo or
// NaN in the first data line, an empty field and hexadecimal are errors naming the file line.
import { describe, expect, it } from 'vitest';
import { parseDataCsv } from '../src/cli/csv';
import { formatEta } from '../src/cli/progress';

describe('parseDataCsv', () => {
  it('skips a header with no numeric field, and says which line it was', () => {
    const r = parseDataCsv('# comment\nx1,x2,y\n1,0,0.5\n0,1,-1\n', 'd.csv');
    expect(r.header).toEqual({ line: 2, text: 'x1,x2,y' });
    expect(Array.from(r.X.data)).toEqual([1, 0, 0, 1]);
    expect(Array.from(r.y)).toEqual([0.5, -1]);
  });

  it('keeps the file line of every data row, past comments, blank lines and the header', () => {
    const r = parseDataCsv('# comment\nx1,x2,y\n1,0,0.5\n\n# another\n0,1,-1\n', 'd.csv');
    expect(r.fileLines).toEqual([3, 6]);
  });

  it.each([
    ['a typo in the first data line', '1,O,2\n3,4,5\n', /d\.csv:1: field 2 \('O'\) is not a decimal number/],
    ['NaN in the first data line', 'NaN,1,2\n3,4,5\n', /d\.csv:1: field 1 \('NaN'\) is not a decimal number/],
    ['an empty field', 'x,y,z\n1,,2\n', /d\.csv:2: field 2 is empty in '1,,2'/],
    ['hexadecimal', '1,2,3\n0x10,1,2\n', /d\.csv:2: field 1 \('0x10'\) is not a decimal number/],
    ['Infinity', '1,2,3\n1,Infinity,2\n', /d\.csv:2: field 2 \('Infinity'\)/],
    ['a short line', '1,2,3\n\n4,5\n', /d\.csv:3: expected 3 fields like the first data line, got 2/],
  ])('refuses %s, naming the file line', (_, text, message) => {
    expect(() => parseDataCsv(text, 'd.csv')).toThrow(message);
  });

  it('reads decimals in the usual forms, and semicolon, tab or space separated files', () => {
    expect(Array.from(parseDataCsv('-0.5,.25,1e-3\n', 'd').X.data)).toEqual([-0.5, 0.25].map(Math.fround));
    for (const text of ['1;2;3\n', '1\t2\t3\n', '1 2  3\n']) expect(Array.from(parseDataCsv(text, 'd').y)).toEqual([3]);
  });
});

describe('the progress bar ETA', () => {
  it('shows … while cli-progress has no estimate (NULL, INF, or its 0 before the first step)', () => {
    expect(formatEta('NULL', 5)).toBe('…');
    expect(formatEta('INF', 5)).toBe('…');
    expect(formatEta('0', 0)).toBe('…');
  });

  it('writes seconds, minutes and hours', () => {
    expect(formatEta('7', 1)).toBe('7s');
    expect(formatEta(125, 1)).toBe('2m05s');
    expect(formatEta(3 * 3600 + 7 * 60, 1)).toBe('3h07m');
  });
});
