#!/usr/bin/env node
// Runs an ONNX model with ONNX Runtime (onnxruntime-node, CPU, fp32), the
// outside numerics reference of the ONNX importer tests.
//
//   node ort_run.js [--time] MODEL_DIR ORT_DIR
//
// Loads MODEL_DIR/model.onnx with onnxruntime-node from ORT_DIR/node_modules
// (scripts/install-ort.sh ORT_DIR installs it), feeds every graph input NAME
// from MODEL_DIR/NAME.npy, runs on the CPU execution provider and writes the
// first output to MODEL_DIR/ort_output.npy (any further output NAME to
// MODEL_DIR/ort_output_NAME.npy).  --time prints load and run times to
// stderr.  Exits 1 with a one-line message on any error.
//
// The .npy files must be little-endian, C order, format version 1.0 (2.0 is
// read too) and hold float32, float64, int64, int32 or bool; outputs are
// written in their ONNX Runtime type (float32, float64, int64, int32, bool).

'use strict';

const fs = require('fs');
const path = require('path');

class UserError extends Error {}

function fail(msg) {
  // One line: ORT's messages may span several.
  throw new UserError(msg.replace(/\s*\n\s*/g, ' ').trim());
}

// ---------------------------------------------------------------------------
// .npy
// ---------------------------------------------------------------------------

const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

// numpy descr -> ONNX Runtime tensor type, bytes per element, reader, writer.
const NPY_TYPES = {
  '<f4': { ort: 'float32', size: 4, array: Float32Array,
           read: (b, o) => b.readFloatLE(o), write: (b, v, o) => b.writeFloatLE(v, o) },
  '<f8': { ort: 'float64', size: 8, array: Float64Array,
           read: (b, o) => b.readDoubleLE(o), write: (b, v, o) => b.writeDoubleLE(v, o) },
  '<i8': { ort: 'int64', size: 8, array: BigInt64Array,
           read: (b, o) => b.readBigInt64LE(o), write: (b, v, o) => b.writeBigInt64LE(BigInt(v), o) },
  '<i4': { ort: 'int32', size: 4, array: Int32Array,
           read: (b, o) => b.readInt32LE(o), write: (b, v, o) => b.writeInt32LE(v, o) },
  '|b1': { ort: 'bool', size: 1, array: Uint8Array,
           read: (b, o) => b[o], write: (b, v, o) => { b[o] = v ? 1 : 0; } },
};
const DESCR_OF_ORT = {};
for (const [descr, t] of Object.entries(NPY_TYPES)) DESCR_OF_ORT[t.ort] = descr;

// Parses the header dict, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
function parseNpyHeader(text, file) {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const order = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !order || !shape)
    fail(`${file}: malformed .npy header ${JSON.stringify(text.trim())}`);
  // '=f4' means native order, little-endian on every machine
  // onnxruntime-node supports.
  const key = descr[1].replace(/^=/, '<');
  if (!(key in NPY_TYPES))
    fail(`${file}: dtype '${descr[1]}' is not supported; supported: ` +
         Object.keys(NPY_TYPES).join(', '));
  if (order[1] === 'True')
    fail(`${file}: Fortran-order arrays are not supported; save a ` +
         `C-order array (np.ascontiguousarray)`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s);
  return {
    type: NPY_TYPES[key],
    dims: dims.map((d) => {
      if (!/^\d+$/.test(d)) fail(`${file}: bad dimension '${d}' in the shape`);
      return Number(d);
    }),
  };
}

function readNpy(file) {
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    fail(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  if (buf.length < 10 || !buf.subarray(0, 6).equals(NPY_MAGIC))
    fail(`${file}: not a .npy file (bad magic)`);
  const major = buf[6], minor = buf[7];
  let headerLen, start;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    start = 10;
  } else if (major === 2) {
    if (buf.length < 12) fail(`${file}: truncated .npy header`);
    headerLen = buf.readUInt32LE(8);
    start = 12;
  } else {
    fail(`${file}: .npy format version ${major}.${minor} is not supported ` +
         `(1.0 and 2.0 are)`);
  }
  if (start + headerLen > buf.length) fail(`${file}: truncated .npy header`);
  const header = buf.toString('latin1', start, start + headerLen);
  const { type, dims } = parseNpyHeader(header, file);
  const count = dims.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const bytes = buf.length - offset;
  if (bytes !== type.size * count)
    fail(`${file}: ${bytes} bytes of data for shape [${dims}] ` +
         `(expected ${type.size * count})`);
  const data = new type.array(count);
  for (let i = 0; i < count; i++) data[i] = type.read(buf, offset + type.size * i);
  return { ortType: type.ort, dims, data };
}

function writeNpy(file, dims, data, ortType = 'float32') {
  const descr = DESCR_OF_ORT[ortType];
  if (!descr) fail(`${file}: cannot write ONNX Runtime type ${ortType}`);
  const type = NPY_TYPES[descr];
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad with spaces and a final newline so that the data starts at a
  // multiple of 64 bytes, as numpy writes it.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (header.length > 0xffff) fail(`${file}: shape too long for .npy 1.0`);
  const out = Buffer.alloc(10 + header.length + type.size * data.length);
  NPY_MAGIC.copy(out, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  const base = 10 + header.length;
  for (let i = 0; i < data.length; i++) type.write(out, data[i], base + type.size * i);
  try {
    fs.writeFileSync(file, out);
  } catch (e) {
    fail(`cannot write ${file}: ${e.message}`);
  }
}

// ---------------------------------------------------------------------------
// Running the model
// ---------------------------------------------------------------------------

function loadOrt(ortDir) {
  const pkg = path.resolve(ortDir, 'node_modules', 'onnxruntime-node');
  if (!fs.existsSync(path.join(pkg, 'package.json')))
    fail(`onnxruntime-node is not installed in ${ortDir} ` +
         `(run scripts/install-ort.sh ${ortDir})`);
  try {
    return require(pkg);
  } catch (e) {
    fail(`cannot load onnxruntime-node from ${pkg}: ${e.message}`);
  }
}

async function main(argv) {
  let timing = false;
  const args = argv.filter((a) => {
    if (a === '--time') {
      timing = true;
      return false;
    }
    return true;
  });
  if (args.length !== 2 || args.some((a) => a.startsWith('-')))
    fail('usage: node ort_run.js [--time] MODEL_DIR ORT_DIR');
  const [modelDir, ortDir] = args;
  const modelPath = path.join(modelDir, 'model.onnx');
  if (!fs.existsSync(modelPath)) fail(`no model: ${modelPath} does not exist`);

  const ort = loadOrt(ortDir);
  const t0 = process.hrtime.bigint();
  let session;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      // Fatal only: ORT's own error log would repeat (in colour) the
      // message that the rejected promise carries and that we print.
      logSeverityLevel: 4,
    });
  } catch (e) {
    fail(`ONNX Runtime cannot load ${modelPath}: ${e.message}`);
  }
  const t1 = process.hrtime.bigint();

  const feeds = {};
  for (const name of session.inputNames) {
    const file = path.join(modelDir, `${name}.npy`);
    if (!fs.existsSync(file))
      fail(`missing input: the model's graph input '${name}' is read from ` +
           `${file}, which does not exist`);
    const { ortType, dims, data } = readNpy(file);
    feeds[name] = new ort.Tensor(ortType, data, dims);
  }

  let results;
  try {
    results = await session.run(feeds);
  } catch (e) {
    fail(`ONNX Runtime failed to run ${modelPath}: ${e.message}`);
  }
  const t2 = process.hrtime.bigint();

  session.outputNames.forEach((name, i) => {
    const t = results[name];
    if (!(t.type in DESCR_OF_ORT))
      fail(`output '${name}' has type ${t.type}; writable: ` +
           Object.keys(DESCR_OF_ORT).join(', '));
    const file = path.join(modelDir,
                           i === 0 ? 'ort_output.npy' : `ort_output_${name}.npy`);
    writeNpy(file, t.dims.map(Number), t.data, t.type);
  });
  if (timing) {
    const ms = (a, b) => (Number(b - a) / 1e6).toFixed(3);
    process.stderr.write(`ort_run: load ${ms(t0, t1)} ms, run ${ms(t1, t2)} ms\n`);
  }
  if (session.release) await session.release();
}

main(process.argv.slice(2)).catch((e) => {
  const msg = e instanceof UserError ? e.message : (e && e.stack) || String(e);
  process.stderr.write(`ort_run: error: ${msg}\n`);
  process.exit(1);
});
