// Known speech for the translation tests: flite sentences joined with silence into one 48 kHz
// mono WAV for Chromium's --use-file-for-fake-audio-capture, plus word-level scoring of what
// the recogniser heard. Pure Node: a small WAV reader/writer and a linear resampler.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const SPEECH_RATE = 48000;

/** Reads a PCM WAV (8/16/24/32-bit integer or 32-bit float, any channel count) as mono floats. */
export function readWav(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${file}: not a RIFF/WAVE file`);
  }
  let fmt;
  let data;
  for (let off = 12; off + 8 <= buf.length; ) {
    const id = buf.toString('ascii', off, off + 4);
    let size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    // Some writers (flite, when piping) leave the data size unset or too large.
    if (id === 'data' && (size === 0 || size === 0xffffffff || body + size > buf.length)) size = buf.length - body;
    if (id === 'fmt ') {
      fmt = {
        format: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        rate: buf.readUInt32LE(body + 4),
        bits: buf.readUInt16LE(body + 14),
      };
      if (fmt.format === 0xfffe && size >= 26) fmt.format = buf.readUInt16LE(body + 24); // WAVE_FORMAT_EXTENSIBLE
    } else if (id === 'data') {
      data = buf.subarray(body, body + size);
    }
    off = body + size + (size & 1);
  }
  if (!fmt || !data) throw new Error(`${file}: no fmt or data chunk`);
  const { channels, bits, format } = fmt;
  const bytes = bits / 8;
  const frames = Math.floor(data.length / (bytes * channels));
  const read = (o) => {
    if (format === 3 && bits === 32) return data.readFloatLE(o);
    if (format !== 1) throw new Error(`${file}: unsupported WAV format ${format}`);
    if (bits === 8) return (data.readUInt8(o) - 128) / 128;
    if (bits === 16) return data.readInt16LE(o) / 32768;
    if (bits === 24) return data.readIntLE(o, 3) / 8388608;
    if (bits === 32) return data.readInt32LE(o) / 2147483648;
    throw new Error(`${file}: unsupported ${bits}-bit PCM`);
  };
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read((i * channels + c) * bytes);
    samples[i] = sum / channels;
  }
  return { rate: fmt.rate, samples };
}

/** Writes mono floats as 16-bit PCM. */
export function writeWav(file, rate, samples) {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    data.writeInt16LE(Math.round(s * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([header, data]));
}

/** Linear-interpolation resampling (good enough for speech going into a recogniser at 16 kHz). */
export function resampleLinear(samples, fromRate, toRate) {
  if (fromRate === toRate) return Float32Array.from(samples);
  const outLength = Math.max(1, Math.round((samples.length * toRate) / fromRate));
  const out = new Float32Array(outLength);
  const step = fromRate / toRate;
  for (let i = 0; i < outLength; i++) {
    const x = i * step;
    const j = Math.floor(x);
    const frac = x - j;
    const a = samples[Math.min(j, samples.length - 1)];
    const b = samples[Math.min(j + 1, samples.length - 1)];
    out[i] = a + (b - a) * frac;
  }
  return out;
}

/** First and last sample louder than `threshold` (the sentence without flite's own silence). */
function speechExtent(samples, threshold = 0.01) {
  let first = 0;
  while (first < samples.length && Math.abs(samples[first]) < threshold) first++;
  let last = samples.length - 1;
  while (last > first && Math.abs(samples[last]) < threshold) last--;
  return [first, last + 1];
}

/**
 * Makes one WAV of the given parts at 48 kHz: { say: 'sentence' } is spoken by flite (voice slt),
 * { silence: ms } is digital silence. Each sentence is trimmed to its speech, so the returned
 * timeline is exact: [{ text, startMs, endMs }] offsets in the file.
 */
export function makeSpeechWav(file, parts, { voice = 'slt', gain = 0.8 } = {}) {
  const dir = path.dirname(file);
  const chunks = [];
  const timeline = [];
  let length = 0;
  parts.forEach((part, i) => {
    if (part.silence !== undefined) {
      const n = Math.round((part.silence * SPEECH_RATE) / 1000);
      chunks.push(new Float32Array(n));
      length += n;
      return;
    }
    const tmp = path.join(dir, `flite-${process.pid}-${i}.wav`);
    try {
      execFileSync('flite', ['-voice', voice, '-t', part.say, '-o', tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      if (err.code === 'ENOENT') throw new Error('flite is not installed (apt-get install flite)');
      throw err;
    }
    const wav = readWav(tmp);
    fs.rmSync(tmp, { force: true });
    const [a, b] = speechExtent(wav.samples);
    let speech = resampleLinear(wav.samples.subarray(a, b), wav.rate, SPEECH_RATE);
    let peak = 0;
    for (const s of speech) peak = Math.max(peak, Math.abs(s));
    if (peak > 0) speech = speech.map((s) => (s * gain) / peak);
    timeline.push({
      text: part.say,
      startMs: (length * 1000) / SPEECH_RATE,
      endMs: ((length + speech.length) * 1000) / SPEECH_RATE,
    });
    chunks.push(speech);
    length += speech.length;
  });
  const all = new Float32Array(length);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  writeWav(file, SPEECH_RATE, all);
  return { file, durationMs: (length * 1000) / SPEECH_RATE, timeline };
}

// ---- Scoring -----------------------------------------------------------------------------

/** Lowercase words without punctuation ("Let's" stays one word: let's). */
export function words(text) {
  return String(text ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9']+/g, ' ')
    .split(' ')
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
}

/** How many of the reference words the hypothesis has too (multiset), and the fraction. */
export function sharedWords(reference, hypothesis) {
  const counts = new Map();
  for (const w of hypothesis) counts.set(w, (counts.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of reference) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(w, n - 1);
    }
  }
  return { shared, total: reference.length, fraction: reference.length ? shared / reference.length : 0 };
}

/** Word error rate: word-level edit distance / reference length. */
export function wordErrorRate(reference, hypothesis) {
  const n = reference.length;
  const m = hypothesis.length;
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur = [i];
    for (let j = 1; j <= m; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return n ? prev[m] / n : m ? 1 : 0;
}
