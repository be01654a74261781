// The IDX format of MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number (two zero bytes,
// a type code, the number of dimensions), the dimensions as big-endian uint32, then the data in
// row-major order, big-endian. The package stores its own digits data in it (data/optdigits.idx.gz).
import { OverparamRangeError, OverparamTypeError } from './errors.js';

/** The element types of IDX files, by their type code: 0x08 uint8 (MNIST's), 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** An IDX file's contents (what {@link readIdx} returns). */
export interface IdxArray {
  type: IdxType;
  /** The dimensions, outermost first: [60000, 28, 28] for MNIST's training images, [60000] for its labels. */
  dims: number[];
  /** The entries in row-major order, as native numbers. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { type: IdxType; size: number }> = {
  0x08: { type: 'uint8', size: 1 }, 0x09: { type: 'int8', size: 1 }, 0x0b: { type: 'int16', size: 2 },
  0x0c: { type: 'int32', size: 4 }, 0x0d: { type: 'float32', size: 4 }, 0x0e: { type: 'float64', size: 8 },
};

/**
 * Reads an IDX file (the format of MNIST's train-images-idx3-ubyte and friends) from its bytes,
 * uncompressed: gunzip MNIST's .gz files first (in Node, zlib.gunzipSync; in browsers,
 * DecompressionStream('gzip')). Throws OverparamRangeError BAD_VALUE on a bad magic number, an
 * unknown type code or a size that does not match the dimensions, naming what it found.
 *
 * @example
 * const images = readIdx(gunzipSync(readFileSync('train-images-idx3-ubyte.gz'))); // dims [60000, 28, 28]
 */
export function readIdx(bytes: Uint8Array): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new OverparamTypeError('BAD_SHAPE', 'readIdx: bytes must be a Uint8Array');
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new OverparamRangeError('BAD_VALUE', 'readIdx: these bytes are gzip-compressed (they start 1f 8b): gunzip them first');
  }
  if (bytes.length < 4) throw new OverparamRangeError('BAD_VALUE', `readIdx: ${bytes.length} bytes are too few for an IDX file's 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new OverparamRangeError('BAD_VALUE',
      `readIdx: bad magic number ${hex(bytes.subarray(0, 4))}: an IDX file starts with two zero bytes, a type code and the number of dimensions`);
  }
  const kind = TYPES[bytes[2]];
  if (!kind) {
    throw new OverparamRangeError('BAD_VALUE',
      `readIdx: unknown type code 0x${bytes[2].toString(16).padStart(2, '0')} in the magic number (known: 08 uint8, 09 int8, 0b int16, 0c int32, 0d float32, 0e float64)`);
  }
  const rank = bytes[3];
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw new OverparamRangeError('BAD_VALUE', `readIdx: the header declares ${rank} dimensions (${headerLength} bytes) but the file has ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let k = 0; k < rank; k++) {
    dims.push(view.getUint32(4 + 4 * k));
    count *= dims[k];
  }
  const expected = headerLength + count * kind.size;
  if (bytes.length !== expected) {
    throw new OverparamRangeError('BAD_VALUE',
      `readIdx: dimensions ${dims.join(' × ')} of ${kind.type} need ${expected} bytes with the header, the file has ${bytes.length} ` +
      `(${bytes.length < expected ? 'truncated' : 'trailing bytes'})`);
  }
  const body = bytes.subarray(headerLength);
  let data: IdxArray['data'];
  switch (kind.type) {
    case 'uint8': data = Uint8Array.from(body); break;
    case 'int8': data = new Int8Array(Uint8Array.from(body).buffer); break;
    default: {
      const Type = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[kind.type];
      data = new Type(count);
      for (let i = 0; i < count; i++) {
        const at = headerLength + i * kind.size;
        data[i] = kind.type === 'int16' ? view.getInt16(at) : kind.type === 'int32' ? view.getInt32(at)
          : kind.type === 'float32' ? view.getFloat32(at) : view.getFloat64(at);
      }
    }
  }
  return { type: kind.type, dims, data };
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
