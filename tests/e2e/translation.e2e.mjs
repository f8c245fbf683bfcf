#!/usr/bin/env node
// Live translation end to end, in real Chromium through the real server and engines.
//
// Speech is made at test time with flite (sentences from tests/data/meeting-sentences.txt,
// joined with silence into one 48 kHz WAV) and played by page A's fake microphone
// (--use-file-for-fake-audio-capture=<wav>%noloop), speaking English. Page B, in a Chromium of
// its own, listens with captions in Spanish and "Speak translations to me" on, its own mic off.
// B must get partial and final captions whose English shares >= 60% of the spoken words, Spanish
// captions on screen, a translated voice that is not silent, and a transcript. Half way through,
// one stage of the server's English->Spanish Apertium chain is SIGKILLed; captions with Spanish
// translations must keep arriving for what is said after that.
//
// Printed, never asserted: speech end -> final caption and speech end -> first translated audio,
// per utterance and median. Speech ends are seen on A (its mic's media-source energy, polled every
// ~20 ms); caption arrival and translated-voice energy on B. Both pages run on this machine, so
// their Date.now() clocks agree.
//
// Run: node tests/e2e/translation.e2e.mjs   (env as in tests/e2e/README.md)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ARTIFACTS,
  REPO,
  Server,
  StepError,
  Tab,
  checkPrerequisites,
  childProcesses,
  freeTcpPort,
  freeUdpBase,
  launchBrowser,
  makeLog,
  metrics,
  procInfo,
  randomRoomId,
  readiness,
  saveArtifacts,
  serveArgs,
  stepper,
  table,
  waitFor,
  waitHealthy,
} from './lib/harness.mjs';
import { makeSpeechWav, sharedWords, wordErrorRate, words } from './lib/speech.mjs';

const WORKERS = 2;
const T_READY = 90_000; // pocketsphinx and the Apertium dictionaries load at start
const T_JOIN = 30_000;
const T_UI = 15_000;
const T_VOICE_TRACK = 30_000;
/** After the last sentence, how long captions and the translated voice may take. */
const T_AFTER_SPEECH = 30_000;
/** Captions have settled when none came for this long (and every utterance has its final). */
const SETTLE_MS = 2000;

/** Silence before the first sentence: A's join (and its send transport) must be up by then. */
const LEAD_MS = Number(process.env.JB_TRANSLATION_LEAD_MS ?? 5000);
const GAP_MS = 1500;
/** Between the two halves: the Apertium stage is killed in here. */
const KILL_GAP_MS = 6000;
const MIN_SHARED = 0.6;

// Lines of tests/data/meeting-sentences.txt (0-based) spoken before and after the kill. They
// differ, so the translation cache cannot answer for the restarted chain.
const BEFORE_KILL = [0, 3, 4];
const AFTER_KILL = [6, 9, 10];

// Mean energy (level², level in 0..1) above which audio counts as sound: about -50 dBFS. Digital
// silence in the WAV and between translated utterances is far below.
const LOUD = 1e-5;
// Chromium's audio processing lets a sentence's end decay over ~300 ms; the speech has ended once
// the energy is 30 dB under full scale (AGC keeps the speech itself around -10 dBFS).
const A_END_LEVEL = 1e-3;
/** Peak of the flite speech in the WAV: the mic's AGC raises it, and clips louder input. */
const SPEECH_GAIN = 0.25;
/** Quiet this long after sound ends an utterance on A (flite pauses inside a sentence are shorter). */
const A_QUIET_MS = 400;
/**
 * On B a translated utterance starts when the voice rises above -30 dBFS after at least this long
 * under it: utterances played back to back on the server are then told apart by the short gap
 * between two synthesized sentences (-30 dBFS also clears the decaying tail of the last word).
 */
const B_VOICE_LEVEL = 1e-3;
const B_QUIET_MS = 150;

const CAPTION_LANGUAGE = 'es';
const log = makeLog('translation');
const { step, results } = stepper(log);

const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : Math.round((v[m - 1] + v[m]) / 2);
};
const fmt = (x) => (Number.isFinite(x) ? String(Math.round(x)) : '-');
const clip = (s, n = 48) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

// ---- In-page recorders (run inside the pages; keep them self-contained) ---------------------

/** On A: polls the mic's media-source energy and marks speech onsets and ends. */
function recordMicOnPage({ onsetLevel, endLevel, quietMs }) {
  const rec = { samples: [], onsets: [], ends: [], polls: 0, errors: 0, startedAt: Date.now() };
  window.__speechRec = rec;
  let prev;
  let prevAt = 0;
  let inSpeech = false;
  let lastLoudAt = 0;
  const tick = async () => {
    try {
      const s = await window.__jb.micStats();
      const t = Date.now();
      rec.polls++;
      if (s && prev && s.totalSamplesDuration > prev.totalSamplesDuration) {
        const p = (s.totalAudioEnergy - prev.totalAudioEnergy) / (s.totalSamplesDuration - prev.totalSamplesDuration);
        rec.samples.push([t, p]);
        if (!inSpeech && p > onsetLevel) {
          // The sound began inside (prevAt, t]: take the earliest it can have begun.
          rec.onsets.push(prevAt);
          inSpeech = true;
          lastLoudAt = t;
        } else if (inSpeech && p > endLevel) {
          lastLoudAt = t;
        } else if (inSpeech && t - lastLoudAt >= quietMs) {
          inSpeech = false;
          rec.ends.push(lastLoudAt);
        }
      }
      if (s) {
        prev = s;
        prevAt = t;
      }
    } catch {
      rec.errors++;
    }
    setTimeout(tick, 20);
  };
  void tick();
}

/**
 * On B: polls the translated voice's inbound energy and the caption DOM. `spurts` are stretches
 * of sound ({ on, off }) separated by at least `quietMs` of quiet; utterances queued back to back
 * on the server play as one spurt.
 */
function recordVoiceOnPage({ loud, quietMs, speakerPeerId, language }) {
  const rec = { samples: [], spurts: [], dom: [], polls: 0, errors: 0, startedAt: Date.now() };
  window.__voiceRec = rec;
  const seen = new Set();
  let prev;
  let lastLoudAt = 0;
  let everLoud = false;
  const tick = async () => {
    try {
      const t0 = Date.now();
      const voices = await window.__jb.translationAudio();
      const t = Date.now();
      rec.polls++;
      const v = voices.find((x) => x.language === language && x.speakerPeerId === speakerPeerId);
      if (v) {
        if (prev && prev.consumerId === v.consumerId && v.totalSamplesDuration > prev.totalSamplesDuration) {
          const p = (v.totalAudioEnergy - prev.totalAudioEnergy) / (v.totalSamplesDuration - prev.totalSamplesDuration);
          rec.samples.push([t, p, v.packetsReceived, v.audioLevel ?? null]);
          if (p > loud) {
            // The sound began inside the last interval; the middle of this poll is the best guess.
            if (!everLoud || t - lastLoudAt >= quietMs) rec.spurts.push({ on: Math.round((t0 + t) / 2), off: t });
            everLoud = true;
            lastLoudAt = t;
            rec.spurts[rec.spurts.length - 1].off = t;
          }
        }
        prev = v;
      }
      if (rec.polls % 5 === 0) {
        for (const el of document.querySelectorAll('[data-testid="caption-line"]')) {
          const item = {
            utteranceId: el.getAttribute('data-utterance-id'),
            speakerPeerId: el.getAttribute('data-speaker-peer-id'),
            final: el.getAttribute('data-final') === 'true',
            language: el.getAttribute('data-language'),
            translated: el.getAttribute('data-translated') === 'true',
            text: el.querySelector('[data-testid="caption-text"]')?.textContent ?? '',
          };
          const key = JSON.stringify(item);
          if (!seen.has(key)) {
            seen.add(key);
            rec.dom.push({ ...item, at: t });
          }
        }
      }
    } catch {
      rec.errors++;
    }
    setTimeout(tick, 20);
  };
  void tick();
}

// ---- Main -----------------------------------------------------------------------------------

function sentencesFromFile() {
  const file = path.join(REPO, 'tests', 'data', 'meeting-sentences.txt');
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/**
 * For each final (in arrival order) the index of the sentence it transcribes: a non-decreasing
 * assignment that maximises the words shared with the sentence. A final cannot belong to a sentence
 * that had not begun when it arrived; among equals, the sentence that ended last before it wins.
 */
function alignFinals(finals, timeline, wall) {
  const n = timeline.length;
  const ref = timeline.map((s) => words(s.text));
  const score = finals.map((c) => {
    const hyp = words(c.text);
    return timeline.map((s, j) => {
      if (c.receivedAt < wall(s.startMs)) return -1e6;
      const lateBy = c.receivedAt - wall(s.endMs);
      return sharedWords(ref[j], hyp).shared - (lateBy < 0 ? 0.5 : lateBy / 1e6);
    });
  });
  // best[i][j]: best total for finals 0..i with final i on sentence j.
  const best = [];
  const from = [];
  finals.forEach((_, i) => {
    best.push(new Array(n).fill(-Infinity));
    from.push(new Array(n).fill(-1));
    for (let j = 0; j < n; j++) {
      if (i === 0) {
        best[i][j] = score[i][j];
        continue;
      }
      for (let k = 0; k <= j; k++) {
        const v = best[i - 1][k] + score[i][j];
        if (v > best[i][j]) {
          best[i][j] = v;
          from[i][j] = k;
        }
      }
    }
  });
  const out = new Array(finals.length);
  if (!finals.length) return out;
  let j = best.at(-1).indexOf(Math.max(...best.at(-1)));
  for (let i = finals.length - 1; i >= 0; i--) {
    out[i] = j;
    j = from[i][j];
  }
  return out;
}

/**
 * The stages of the server's English->Spanish Apertium chain: its children whose arguments name an
 * eng-spa data file (eng-spa.prob, eng-spa.autobil.bin, ...; the spa-eng chain uses spa-eng.*).
 * Stages without a data file (apertium-pretransfer) are not listed.
 */
function spanishStages(serverPid) {
  return childProcesses(serverPid)
    .filter((p) => p.state !== 'Z' && p.cmdline.slice(1).some((a) => /^(eng-spa|en-es)\./.test(path.basename(a))))
    .sort((a, b) => a.pid - b.pid);
}

async function main() {
  checkPrerequisites();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jb-e2e-translation-'));
  const httpPort = await freeTcpPort();
  const udpBase = await freeUdpBase(WORKERS);
  const base = `http://127.0.0.1:${httpPort}`;
  const server = new Server(serveArgs({ httpPort, udpBase, workers: WORKERS }), log);
  process.on('exit', () => server.killSync());
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      server.killSync();
      process.exit(130);
    });
  }

  const browsers = [];
  const tabs = [];
  const report = {};
  let failed;
  try {
    const speech = await step('make the speech WAV with flite (48 kHz, silences between sentences)', async () => {
      const all = sentencesFromFile();
      const pick = (ix) => ix.map((i) => all[i]).filter(Boolean);
      const before = pick(BEFORE_KILL);
      const after = pick(AFTER_KILL);
      if (before.length < 2 || after.length < 2) throw new StepError('tests/data/meeting-sentences.txt has too few lines');
      const parts = [{ silence: LEAD_MS }];
      before.forEach((say, i) => parts.push({ say }, { silence: i < before.length - 1 ? GAP_MS : KILL_GAP_MS }));
      after.forEach((say) => parts.push({ say }, { silence: GAP_MS }));
      parts.push({ silence: 3000 });
      const wav = makeSpeechWav(path.join(workDir, 'speech.wav'), parts, { gain: SPEECH_GAIN });
      wav.beforeKill = before.length;
      log(`speech.wav: ${(wav.durationMs / 1000).toFixed(1)} s, ${wav.timeline.length} sentences`);
      return wav;
    });

    server.start();
    await step('server answers /health, and /ready once the engines are loaded', async () => {
      await waitHealthy(server, base);
      const r = await waitFor(
        '/ready 200',
        async () => {
          if (server.exit) throw new StepError(`server exited: ${JSON.stringify(server.exit)}\n${server.tail()}`);
          const r = await readiness(base);
          return r.status === 200 ? r : { ok: false, detail: r };
        },
        T_READY,
        250,
      );
      report.readyChecks = r.checks;
    });

    const roomUrl = `${base}/r/${randomRoomId()}`;
    const bBrowser = await launchBrowser();
    browsers.push(bBrowser);
    const B = new Tab('B', bBrowser.context.pages()[0] ?? (await bBrowser.context.newPage()));
    tabs.push(B);

    await step('B joins with captions in Spanish and "Speak translations to me" on, then mutes its mic', async () => {
      await B.page.addInitScript((settings) => {
        localStorage.setItem('jb.languageSettings', JSON.stringify(settings));
      }, { speak: 'es', captions: CAPTION_LANGUAGE, voice: true, show: 'translated', captionsOn: true });
      await B.join(roomUrl, 'Beatriz Listener', T_JOIN);
      const langs = await B.page.evaluate(() => window.__jb.languages());
      const s = langs?.settings;
      if (s?.captions !== CAPTION_LANGUAGE || s?.voice !== true) throw new StepError(`B's settings are ${JSON.stringify(s)}`);
      const caps = langs.capabilities;
      if (!caps?.captionLanguages?.some((l) => l.code === CAPTION_LANGUAGE)) {
        throw new StepError(`server offers no ${CAPTION_LANGUAGE} captions: ${JSON.stringify(caps?.captionLanguages)}`);
      }
      if (!caps?.voices?.some((v) => v.language === CAPTION_LANGUAGE)) {
        throw new StepError(`server offers no ${CAPTION_LANGUAGE} voice: ${JSON.stringify(caps?.voices)}`);
      }
      // The settings panel shows the same choice.
      await B.page.getByTestId('language-toggle').click();
      const sel = await B.page.getByTestId('lang-captions').inputValue({ timeout: T_UI });
      const voice = await B.page.getByTestId('lang-voice').isChecked();
      if (sel !== CAPTION_LANGUAGE || !voice) throw new StepError(`panel shows captions=${sel} voice=${voice}`);
      await B.page.getByTestId('language-toggle').click();
      // B's fake mic beeps: keep it out of the recogniser.
      await B.page.getByTestId('mic-button').click();
      await waitFor('B mic off', async () => (await B.page.getByTestId('mic-button').getAttribute('aria-pressed')) === 'false', T_UI);
    });

    const aBrowser = await launchBrowser({ extraArgs: [`--use-file-for-fake-audio-capture=${speech.file}%noloop`] });
    browsers.push(aBrowser);
    const A = new Tab('A', aBrowser.context.pages()[0] ?? (await aBrowser.context.newPage()));
    tabs.push(A);

    await step('A joins speaking English (its fake mic plays the WAV once); A records its outgoing mic energy', async () => {
      await A.join(roomUrl, 'Arthur Speaker', T_JOIN);
      await A.page.evaluate(recordMicOnPage, { onsetLevel: LOUD, endLevel: A_END_LEVEL, quietMs: A_QUIET_MS });
      const s = await A.page.evaluate(() => window.__jb.languages()?.settings);
      if (s?.speak !== 'en') throw new StepError(`A speaks "${s?.speak}", expected en (navigator.language)`);
    });

    await step("B starts recording A's Spanish voice and its caption lines", async () => {
      await B.page.evaluate(recordVoiceOnPage, { loud: B_VOICE_LEVEL, quietMs: B_QUIET_MS, speakerPeerId: A.id, language: CAPTION_LANGUAGE });
    });

    await step("B receives a translated voice track for A in Spanish", async () => {
      const v = await waitFor(
        'translationAudio() to list A/es',
        async () => {
          const list = await B.page.evaluate(() => window.__jb.translationAudio());
          const v = list.find((x) => x.speakerPeerId === A.id && x.language === CAPTION_LANGUAGE);
          return v ?? { ok: false, detail: list };
        },
        T_VOICE_TRACK,
        250,
      );
      if (v.paused) throw new StepError(`A's Spanish voice is paused on B: ${JSON.stringify(v)}`);
      await B.page.locator(`[data-testid="translation-audio"][data-language="${CAPTION_LANGUAGE}"]`).first().waitFor({ state: 'attached', timeout: T_UI });
    });

    // The WAV timeline, placed in wall-clock time by A's first speech onset.
    const aRec = () => A.page.evaluate(() => {
      const r = window.__speechRec;
      return { onsets: r.onsets, ends: r.ends, polls: r.polls, errors: r.errors, startedAt: r.startedAt, first: r.samples[0] };
    });
    const timeline = speech.timeline;
    const lastBefore = timeline[speech.beforeKill - 1];
    const t0 = await step('A sends the first sentence (its mic energy rises)', async () => {
      const r = await waitFor(
        "A's first speech onset",
        async () => {
          const r = await aRec();
          return r.onsets.length ? r : { ok: false, detail: { polls: r.polls, errors: r.errors } };
        },
        LEAD_MS + 20_000,
        100,
      );
      if (r.first && r.first[1] > LOUD) {
        throw new StepError('A was already sending speech when the recorder started; raise JB_TRANSLATION_LEAD_MS');
      }
      return r.onsets[0] - timeline[0].startMs;
    });
    const wall = (ms) => t0 + ms;

    const captionsFromA = async () => (await B.page.evaluate(() => window.__jb.captionsReceived())).filter((c) => c.speakerPeerId === A.id);
    const finalsFromA = async () => (await captionsFromA()).filter((c) => c.final);
    /**
     * True once B's captions of A have settled after speech that ended at `endAt`: a final arrived
     * after it, every utterance seen has its final, and nothing came for SETTLE_MS. (The caption's
     * timestamp is when the server recognised it, which lags behind the speech on a busy machine.)
     */
    const captionsSettled = async (endAt) => {
      const all = await captionsFromA();
      const finalIds = new Set(all.filter((c) => c.final).map((c) => c.utteranceId));
      const open = all.filter((c) => !finalIds.has(c.utteranceId)).map((c) => c.utteranceId);
      const last = all.at(-1);
      const detail = { open: [...new Set(open)], lastAgoMs: last ? Date.now() - last.receivedAt : undefined };
      const ok = all.some((c) => c.final && c.receivedAt >= endAt) && open.length === 0 && Date.now() - last.receivedAt >= SETTLE_MS;
      return ok || { ok: false, detail };
    };

    await step(`the ${speech.beforeKill} sentences before the kill are spoken and B gets a final caption for the last`, async () => {
      await waitFor('A to finish the first half', async () => (await aRec()).ends.length >= speech.beforeKill, Math.max(0, wall(lastBefore.endMs) - Date.now()) + 10_000, 100);
      // Not fatal if it is slow: the kill then lands on a translation in progress, which must survive too.
      await waitFor(
        "B's captions of the first half to settle",
        () => captionsSettled(wall(lastBefore.endMs)),
        Math.max(1000, wall(lastBefore.endMs + KILL_GAP_MS - 1000) - Date.now()),
        100,
      ).catch((e) => log(`note: ${e.message}`));
    });

    const kill = await step("SIGKILL one stage of the server's English->Spanish Apertium chain", async () => {
      const stages = spanishStages(server.pid);
      if (stages.length === 0) {
        const kids = childProcesses(server.pid).map((p) => `${p.pid} ${p.comm}`);
        throw new StepError(`no eng-spa Apertium stage among the server's children: ${JSON.stringify(kids)}`);
      }
      const victim = stages.find((p) => path.basename(p.cmdline[0] ?? '') === 'apertium-tagger') ?? stages[Math.floor(stages.length / 2)];
      process.kill(victim.pid, 'SIGKILL');
      const at = Date.now();
      await waitFor(`pid ${victim.pid} to die`, async () => {
        const p = procInfo(victim.pid);
        return !p || p.state === 'Z';
      }, 5000, 20);
      log(`killed pid ${victim.pid} (${victim.cmdline[0]}, stage ${stages.indexOf(victim) + 1} of ${stages.length}) at speech +${((at - t0) / 1000).toFixed(1)} s`);
      if (at > wall(timeline[speech.beforeKill].startMs)) log('note: the kill came after the second half began');
      return { at, victim, before: stages.map((p) => p.pid) };
    });

    const lastSentence = timeline[timeline.length - 1];
    await step('the sentences after the kill are spoken; B gets their final captions and translated voice', async () => {
      await waitFor('A to finish speaking', async () => (await aRec()).ends.length >= timeline.length, Math.max(0, wall(lastSentence.endMs) - Date.now()) + 10_000, 100);
      await waitFor("B's captions of the second half to settle", () => captionsSettled(wall(lastSentence.endMs)), T_AFTER_SPEECH, 100);
      // Let the translated voice finish what is queued (only measured, but its latency is printed).
      const lastFinal = (await finalsFromA()).at(-1);
      await waitFor(
        'the translated voice to play after the last final caption and fall quiet',
        async () =>
          B.page.evaluate(
            ({ at, quietMs }) => {
              const last = window.__voiceRec.spurts.at(-1);
              return last !== undefined && last.off >= at - 200 && Date.now() - last.off > quietMs;
            },
            { at: lastFinal.receivedAt, quietMs: 2 * B_QUIET_MS },
          ),
        20_000,
        100,
      ).catch((e) => log(`note: ${e.message}`));
    });

    // ---- Everything recorded ----
    const aData = await A.page.evaluate(() => window.__speechRec);
    const bData = await B.page.evaluate(() => window.__voiceRec);
    const received = await B.page.evaluate(() => window.__jb.captionsReceived());
    const fromA = received.filter((c) => c.speakerPeerId === A.id);
    const finals = fromA.filter((c) => c.final);
    const partials = fromA.filter((c) => !c.final);
    report.counts = { partials: partials.length, finals: finals.length, aPolls: aData.polls, bPolls: bData.polls, aEnds: aData.ends.length, bSpurts: bData.spurts.length };

    await step('B received partial (final:false) and final captions of A, in English', async () => {
      if (partials.length === 0) throw new StepError('no partial caption from A reached B');
      if (finals.length === 0) throw new StepError('no final caption from A reached B');
      const notEnglish = finals.filter((c) => c.language !== 'en');
      if (notEnglish.length) throw new StepError(`finals not marked English: ${JSON.stringify(notEnglish.slice(0, 2))}`);
      // A partial of an utterance comes before its final.
      const firstFinal = new Map();
      for (const c of finals) if (!firstFinal.has(c.utteranceId)) firstFinal.set(c.utteranceId, c.receivedAt);
      const early = partials.filter((p) => firstFinal.has(p.utteranceId) && p.receivedAt <= firstFinal.get(p.utteranceId));
      if (early.length === 0) throw new StepError('no partial caption arrived before its final');
    });

    // Each final goes with a sentence: finals in order, sentences never going back, most words in
    // common (the recogniser may split a sentence or lag behind it, so times alone can mislead).
    const sentenceOf = alignFinals(finals, timeline, wall);
    const utterances = finals.map((c, i) => {
      const expectedEnd = wall(timeline[sentenceOf[i]].endMs);
      // The end A measured for that sentence: the detected end nearest the WAV's.
      const measured = aData.ends.reduce((m, e) => (m === undefined || Math.abs(e - expectedEnd) < Math.abs(m - expectedEnd) ? e : m), undefined);
      const end = measured !== undefined && Math.abs(measured - expectedEnd) < 600 ? measured : undefined;
      return { c, sentence: sentenceOf[i], end, expectedEnd };
    });

    const fraction = await step(`the English finals share >= ${MIN_SHARED * 100}% of the spoken words`, async () => {
      const ref = timeline.flatMap((s) => words(s.text));
      const hyp = finals.flatMap((c) => words(c.text));
      const all = sharedWords(ref, hyp);
      const wer = wordErrorRate(ref, hyp);
      const perHalf = [timeline.slice(0, speech.beforeKill), timeline.slice(speech.beforeKill)].map((part, h) => {
        const ids = new Set(part.map((s) => timeline.indexOf(s)));
        const r = part.flatMap((s) => words(s.text));
        const hy = utterances.filter((u) => ids.has(u.sentence)).flatMap((u) => words(u.c.text));
        return { half: h ? 'after kill' : 'before kill', ...sharedWords(r, hy), wer: wordErrorRate(r, hy) };
      });
      report.words = { ...all, wer, perHalf, ref: ref.join(' '), hyp: hyp.join(' ') };
      if (all.fraction < MIN_SHARED) {
        throw new StepError(`shared-word fraction ${all.fraction.toFixed(2)} < ${MIN_SHARED} (${all.shared}/${all.total}); heard: "${hyp.join(' ')}"`);
      }
      return all.fraction;
    });

    const hasSpanish = (c) => c.translation?.language === CAPTION_LANGUAGE && c.translation.text.trim() !== '';
    const isSpanish = (c) => hasSpanish(c) && words(c.translation.text).join(' ') !== words(c.text).join(' ');

    await step('finals carry a Spanish translation that differs from the English', async () => {
      const ok = finals.filter(isSpanish);
      if (ok.length === 0) throw new StepError(`no final with a Spanish translation: ${JSON.stringify(finals.slice(0, 3))}`);
      report.spanishFinals = ok.length;
    });

    await step('B showed a Spanish caption line on screen (data-translated=true, data-language=es)', async () => {
      const shown = bData.dom.filter((d) => d.speakerPeerId === A.id && d.translated && d.language === CAPTION_LANGUAGE && d.text.trim() !== '');
      const english = new Set(finals.map((c) => words(c.text).join(' ')));
      const real = shown.filter((d) => !english.has(words(d.text).join(' ')));
      if (real.length === 0) throw new StepError(`no Spanish caption line seen; lines seen: ${JSON.stringify(bData.dom.slice(-5))}`);
      report.domSpanish = real.at(-1).text;
    });

    await step("B's translated voice of A is received and not silent", async () => {
      const list = await B.page.evaluate(() => window.__jb.translationAudio());
      const v = list.find((x) => x.speakerPeerId === A.id && x.language === CAPTION_LANGUAGE);
      if (!v) throw new StepError('the translated voice is gone');
      report.voice = v;
      if (!(v.packetsReceived > 0)) throw new StepError(`packetsReceived=${v.packetsReceived}`);
      const maxLevel = Math.max(0, ...bData.samples.map((s) => s[3] ?? 0));
      report.voiceMaxLevel = maxLevel;
      if (!(v.totalAudioEnergy > 0) && !(maxLevel > 0)) {
        throw new StepError(`translated voice is silent: totalAudioEnergy=${v.totalAudioEnergy} max audioLevel=${maxLevel}`);
      }
      if (bData.spurts.length === 0) throw new StepError('the translated voice never rose above -30 dBFS');
    });

    await step('captions with Spanish translations still arrive after the Apertium stage was killed', async () => {
      // Recognised after the kill, so translated by the restarted chain. Each must carry Spanish (a
      // proper name may come back unchanged), and at least one must read differently from the English.
      const after = finals.filter((c) => c.timestamp > kill.at);
      const withSpanish = after.filter(hasSpanish);
      report.afterKill = { finals: after.length, translated: withSpanish.length, differing: after.filter(isSpanish).length };
      if (after.length === 0) throw new StepError('no final caption was recognised after the kill');
      if (withSpanish.length < after.length) {
        throw new StepError(`${after.length - withSpanish.length} of ${after.length} finals after the kill lack a Spanish translation: ${JSON.stringify(after.filter((c) => !hasSpanish(c)))}`);
      }
      if (report.afterKill.differing === 0) throw new StepError(`no final after the kill reads differently in Spanish: ${JSON.stringify(after)}`);
      const now = spanishStages(server.pid).map((p) => p.pid);
      report.stagesBefore = kill.before;
      report.stagesAfter = now;
      if (now.includes(kill.victim.pid)) throw new StepError(`killed stage ${kill.victim.pid} still listed`);
      if (now.length === 0) throw new StepError('no eng-spa Apertium chain running after the kill');
      if (server.exit) throw new StepError(`server exited: ${JSON.stringify(server.exit)}`);
    });

    await step("B's transcript panel lists A's utterances with their Spanish translation", async () => {
      await B.page.getByTestId('transcript-toggle').click();
      await B.page.getByTestId('transcript-panel').waitFor({ timeout: T_UI });
      const entries = B.page.getByTestId('transcript-entry');
      await waitFor('transcript entries', async () => (await entries.count()) >= 1, T_UI);
      const count = await entries.count();
      const translatedCount = await B.page.getByTestId('transcript-translation').count();
      const hook = await B.page.evaluate(() => window.__jb.transcript().length);
      report.transcript = { entries: count, translated: translatedCount, hook };
      if (translatedCount === 0) throw new StepError(`transcript has ${count} entries but no Spanish translation`);
    });

    // ---- Latencies (printed only) ----
    // Each translated final claims the first unclaimed spurt of sound that starts after it arrived.
    // A final that arrives while the spurt claimed before it is still sounding was queued behind
    // that voice on the server: its own start cannot be told apart, so it gets no number.
    const rows = [];
    const finalLat = [];
    const voiceLat = [];
    let queued = 0;
    const bySentence = new Map();
    for (const u of utterances) bySentence.set(u.sentence, u); // the last final of a sentence wins
    let next = 0;
    let claimed;
    for (const u of utterances) {
      const last = bySentence.get(u.sentence) === u;
      const end = u.end ?? u.expectedEnd;
      const at = u.c.receivedAt;
      let voice = '-';
      let vl;
      if (u.c.translation) {
        if (claimed && claimed.off + B_QUIET_MS >= at) {
          voice = 'queued';
          queued++;
        } else {
          while (next < bData.spurts.length && bData.spurts[next].on < at - 200) next++;
          if (next < bData.spurts.length) {
            claimed = bData.spurts[next++];
            vl = claimed.on - end;
            voice = fmt(vl);
          }
        }
      }
      const fl = at - end;
      if (last) {
        finalLat.push(fl);
        if (vl !== undefined) voiceLat.push(vl);
      }
      rows.push([
        u.sentence + 1,
        u.c.timestamp > kill.at ? 'after' : 'before',
        clip(u.c.text, 40),
        clip(u.c.translation?.text ?? '-', 40),
        u.end !== undefined ? 'A' : 'wav',
        fmt(u.c.timestamp - end),
        fmt(fl),
        voice,
      ]);
    }
    report.latency = { rows, finalMedian: median(finalLat), voiceMedian: median(voiceLat), n: finalLat.length, nVoice: voiceLat.length, queued };
    report.timeline = timeline.map((s, i) => {
      const expected = wall(s.endMs);
      const measured = aData.ends.reduce((m, e) => (m === undefined || Math.abs(e - expected) < Math.abs(m - expected) ? e : m), undefined);
      return [i + 1, clip(s.text, 44), `${(s.startMs / 1000).toFixed(2)}–${(s.endMs / 1000).toFixed(2)}`, fmt(measured - expected)];
    });
    report.fraction = fraction;
  } catch (err) {
    failed = err;
  }

  // ---- Report ----
  try {
    const m = await metrics(base).catch(() => undefined);
    if (m) {
      report.metrics = m
        .filter((s) => /^jb_translation_(captions_total|synthesized_total|errors_total|drops_total)$/.test(s.name))
        .map((s) => [s.name.replace('jb_translation_', ''), Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(',') || '-', s.value]);
    }
  } catch {
    // The server is gone; the failure says why.
  }
  if (report.timeline) {
    console.log('\nspoken sentences (WAV offsets, s) and A-measured speech end minus WAV end (ms)');
    console.log(table(['#', 'sentence', 'in WAV', 'A end - WAV end'], report.timeline));
  }
  if (report.latency) {
    console.log(
      '\nper final caption on B (ms from the speech end seen on A, or from the WAV timeline if A saw none;\n' +
        "recognised = the caption's server timestamp; queued = the voice played straight after the previous one)",
    );
    console.log(table(['#', 'kill', 'English (final)', 'Spanish', 'end', 'end->recognised', 'end->final', 'end->voice'], report.latency.rows));
    console.log(
      `\nmedian speech end -> final caption: ${fmt(report.latency.finalMedian)} ms (n=${report.latency.n}); ` +
        `speech end -> first translated audio: ${fmt(report.latency.voiceMedian)} ms (n=${report.latency.nVoice}; ` +
        `${report.latency.queued} queued behind the previous translated utterance)`,
    );
  }
  if (report.words) {
    const w = report.words;
    console.log(`\nshared words: ${w.shared}/${w.total} = ${(w.fraction * 100).toFixed(1)}% (need ${MIN_SHARED * 100}%); WER ${(w.wer * 100).toFixed(1)}%`);
    for (const h of w.perHalf) console.log(`  ${h.half}: ${h.shared}/${h.total} = ${(h.fraction * 100).toFixed(1)}%, WER ${(h.wer * 100).toFixed(1)}%`);
    console.log(`  said:  ${w.ref}\n  heard: ${w.hyp}`);
  }
  if (report.counts) console.log(`\ncounts: ${JSON.stringify(report.counts)}`);
  if (report.domSpanish) console.log(`a Spanish caption on B's screen: "${report.domSpanish}"`);
  if (report.voice) {
    const v = report.voice;
    console.log(`translated voice on B: packets ${v.packetsReceived}, samples ${v.totalSamplesReceived}, energy ${v.totalAudioEnergy.toFixed(4)}, max audioLevel ${report.voiceMaxLevel?.toFixed(3)}`);
  }
  if (report.afterKill) {
    const k = report.afterKill;
    console.log(`after the kill: ${k.translated}/${k.finals} finals with Spanish (${k.differing} differing from the English); eng-spa stages before [${report.stagesBefore ?? '?'}] after [${report.stagesAfter ?? '?'}]`);
  }
  if (report.transcript) console.log(`transcript on B: ${report.transcript.entries} entries (${report.transcript.translated} with Spanish), __jb.transcript() ${report.transcript.hook}`);
  if (report.metrics?.length) {
    console.log('\n/metrics (translation)');
    console.log(table(['metric', 'labels', 'value'], report.metrics));
  }

  if (failed || process.env.JB_E2E_KEEP_ARTIFACTS === '1') {
    await saveArtifacts('translation', tabs, server);
    for (const t of tabs) {
      if (t.page.isClosed()) continue;
      const dump = await t.page
        .evaluate(() => ({ captions: window.__jb?.captionsReceived(), mic: window.__speechRec, voice: window.__voiceRec }))
        .catch((e) => ({ error: e.message }));
      fs.writeFileSync(path.join(ARTIFACTS, `translation-tab-${t.name}-recording.json`), JSON.stringify(dump));
    }
    const wav = path.join(workDir, 'speech.wav');
    if (fs.existsSync(wav)) fs.copyFileSync(wav, path.join(ARTIFACTS, 'translation-speech.wav'));
  }
  for (const b of browsers) await b.close();
  await server.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
  const passed = results.filter((r) => r.ok).length;
  if (failed) {
    console.error(`\nFAILED: ${failed instanceof Error ? failed.message : failed}`);
    console.error(`server log tail:\n${server.tail(30)}`);
    console.error(`artifacts: ${ARTIFACTS}`);
  }
  console.log(`\ntranslation e2e: ${passed} passed, ${results.length - passed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
