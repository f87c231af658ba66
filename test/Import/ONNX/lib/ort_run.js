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
// The .npy files must be float32, little-endian, C order, format version
// 1.0 (version 2.0 is read too); the writer writes version 1.0.

'use strict';

const fs = require('fs');
const path = require('path');

class UserError extends Error {}

function fail(msg) {
  // One line: ORT's messages may span several.
  throw new UserError(msg.replace(/\s*\n\s*/g, ' ').trim());
}

// ---------------------------------------------------------------------------
// .npy (float32 only)
// ---------------------------------------------------------------------------

const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

// Parses the header dict, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
function parseNpyHeader(text, file) {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const order = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !order || !shape)
    fail(`${file}: malformed .npy header ${JSON.stringify(text.trim())}`);
  // '<f4'; '=f4' would mean native order, little-endian on every machine
  // onnxruntime-node supports.
  if (descr[1] !== '<f4' && descr[1] !== '=f4')
    fail(`${file}: dtype '${descr[1]}' is not supported; only float32 ` +
         `little-endian ('<f4')`);
  if (order[1] === 'True')
    fail(`${file}: Fortran-order arrays are not supported; save a ` +
         `C-order array (np.ascontiguousarray)`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s);
  return dims.map((d) => {
    if (!/^\d+$/.test(d)) fail(`${file}: bad dimension '${d}' in the shape`);
    return Number(d);
  });
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
  const dims = parseNpyHeader(header, file);
  const count = dims.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const bytes = buf.length - offset;
  if (bytes !== 4 * count)
    fail(`${file}: ${bytes} bytes of data for shape [${dims}] ` +
         `(expected ${4 * count})`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = buf.readFloatLE(offset + 4 * i);
  return { dims, data };
}

function writeNpy(file, dims, data) {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad with spaces and a final newline so that the data starts at a
  // multiple of 64 bytes, as numpy writes it.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (header.length > 0xffff) fail(`${file}: shape too long for .npy 1.0`);
  const out = Buffer.alloc(10 + header.length + 4 * data.length);
  NPY_MAGIC.copy(out, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  const base = 10 + header.length;
  for (let i = 0; i < data.length; i++) out.writeFloatLE(data[i], base + 4 * i);
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
    const { dims, data } = readNpy(file);
    feeds[name] = new ort.Tensor('float32', data, dims);
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
    if (t.type !== 'float32')
      fail(`output '${name}' has type ${t.type}; only float32 is written`);
    const file = path.join(modelDir,
                           i === 0 ? 'ort_output.npy' : `ort_output_${name}.npy`);
    writeNpy(file, t.dims.map(Number), t.data);
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
