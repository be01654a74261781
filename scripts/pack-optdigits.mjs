// Writes data/optdigits.idx.gz from the UCI files optdigits.tra and optdigits.tes (comma- or
// tab-separated, one header line allowed): one IDX file (the MNIST format, src/idx.ts) of unsigned
// bytes, 5620 × 65, the 3823 training rows then the 1797 test rows in the files' order, each row the
// 64 attributes (0–16) and the class (0–9); gzip'd. Checks the counts per class that UCI's
// optdigits.names publishes before writing. Run once by hand; the loader is src/digits.ts.
//   node scripts/pack-optdigits.mjs path/to/optdigits.tra path/to/optdigits.tes
import { readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

const PUBLISHED = {
  train: [376, 389, 380, 389, 387, 376, 377, 387, 380, 382],
  test: [178, 182, 177, 183, 181, 182, 181, 179, 174, 180],
};

async function parse(path) {
  const rows = [];
  for (const line of (await readFile(path, 'utf8')).split(/\r?\n/)) {
    const text = line.trim();
    if (text === '' || /[a-z]/i.test(text)) continue; // blank lines, a header
    const values = text.split(/[,\t ]+/).map(Number);
    if (values.length !== 65 || values.some((v, j) => !Number.isInteger(v) || v < 0 || v > (j < 64 ? 16 : 9))) {
      throw new Error(`${path}: bad row ${rows.length + 1}: ${text.slice(0, 80)}`);
    }
    rows.push(values);
  }
  return rows;
}

function checkCounts(rows, published, name) {
  const counts = new Array(10).fill(0);
  for (const row of rows) counts[row[64]]++;
  if (counts.join() !== published.join()) throw new Error(`${name}: counts per class ${counts} ≠ published ${published}`);
  console.log(`${name}: ${rows.length} rows, counts per class ${counts.join(' ')} = optdigits.names`);
}

const [trainPath, testPath] = process.argv.slice(2);
const train = await parse(trainPath), test = await parse(testPath);
checkCounts(train, PUBLISHED.train, 'optdigits.tra');
checkCounts(test, PUBLISHED.test, 'optdigits.tes');
const rows = [...train, ...test];
const header = new DataView(new ArrayBuffer(12));
header.setUint32(0, 0x0802); // IDX: two zero bytes, type 0x08 (unsigned byte), 2 dimensions
header.setUint32(4, rows.length);
header.setUint32(8, 65);
const bytes = new Uint8Array(12 + rows.length * 65);
bytes.set(new Uint8Array(header.buffer));
rows.forEach((row, i) => bytes.set(row, 12 + i * 65));
const out = new URL('../data/optdigits.idx.gz', import.meta.url);
await writeFile(out, gzipSync(bytes, { level: 9 }));
console.log(`wrote ${out.pathname}: ${bytes.length} bytes before gzip`);
