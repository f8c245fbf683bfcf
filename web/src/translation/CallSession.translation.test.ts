import { afterEach, describe, expect, it } from 'vitest';
import type { CallSession } from '../call/CallSession';
import { FakeSfu } from '../test/FakeSfu';
import { memoryStorage } from '../test/memoryStorage';
import { bob, makeSession, until } from '../test/sessionHarness';
import type { PeerInfo, ProducerInfo } from '../signaling/protocol';
import { LANGUAGE_STORAGE_KEY } from './languages';
import { installTestHooks, setActiveSession, type JbTestHooks } from '../call/testHooks';

/** Bob speaks German; the server makes his speech into English and Spanish voices. */
function bobGerman(): PeerInfo {
  const b: PeerInfo = structuredClone(bob);
  b.languages = { speak: 'de', captions: 'de', voice: true };
  return b;
}

function voice(lang: string, speaker = 'bob'): ProducerInfo {
  return { id: `${speaker}-tts-${lang}`, peerId: speaker, kind: 'audio', source: 'translation', paused: false, language: lang, speakerPeerId: speaker };
}

function consumedIds(sfu: FakeSfu): string[] {
  return sfu.log.filter((r) => r.method === 'consume').map((r) => String(r.data.producerId));
}

describe('CallSession translation', () => {
  let session: CallSession | undefined;
  afterEach(async () => {
    await session?.leave();
    session = undefined;
  });

  it('joins with languages from navigator.language, and takes capabilities and history', async () => {
    const sfu = new FakeSfu();
    sfu.existingPeers = [bobGerman()];
    sfu.transcript = [
      { utteranceId: 'old-1', speakerPeerId: 'bob', speakerName: 'Bob', language: 'de', text: 'Hallo.', translations: { fr: { text: 'Salut.', via: ['es'] } }, timestamp: 1 },
    ];
    const { session: s } = makeSession(sfu, { preferredLanguages: ['fr-CA', 'en'] });
    session = s;
    await s.join('room', 'Ann');
    const join = sfu.log.find((r) => r.method === 'join')!.data;
    expect(join.languages).toEqual({ speak: 'fr', captions: 'fr', voice: true });
    await until(() => s.translation.state.transcript.length === 1, 'transcript from getTranscript');
    expect(s.translation.state.capabilities?.note).toMatch(/English only/);
    expect(s.state.peers.bob!.languages).toEqual({ speak: 'de', captions: 'de', voice: true });
    expect(sfu.methods()).not.toContain('getTranslationCapabilities');
  });

  it('asks for capabilities when the join response has none, and survives a server without them', async () => {
    const sfu = new FakeSfu();
    sfu.translation = undefined;
    sfu.overrides.set('getTranscript', () => {
      throw Object.assign(new Error('no'), { code: 'unknown_method' });
    });
    const { session: s } = makeSession(sfu);
    session = s;
    await s.join('room', 'Ann');
    await until(() => sfu.methods().includes('getTranslationCapabilities'), 'getTranslationCapabilities');
    expect(s.state.phase).toBe('joined');
    expect(s.translation.state.capabilities).toBeUndefined();
    expect(s.state.errors).toHaveLength(0);
  });

  it('sends setLanguages when what the server knows changes, and persists every change', async () => {
    const sfu = new FakeSfu();
    const storage = memoryStorage();
    const { session: s } = makeSession(sfu, { storage });
    session = s;
    await s.join('room', 'Ann');
    await s.setLanguages({ captions: 'de' });
    const sent = sfu.log.filter((r) => r.method === 'setLanguages').map((r) => r.data);
    expect(sent).toEqual([{ speak: 'en', captions: 'de', voice: true }]);
    // Display-only settings stay local.
    await s.setLanguages({ show: 'both', captionsOn: false });
    // No change at all: nothing sent.
    await s.setLanguages({ captions: 'de' });
    expect(sfu.log.filter((r) => r.method === 'setLanguages')).toHaveLength(1);
    expect(JSON.parse(storage.data.get(LANGUAGE_STORAGE_KEY)!)).toEqual({ speak: 'en', captions: 'de', voice: true, show: 'both', captionsOn: false });
    // The next call starts from the stored choice.
    const next = makeSession(new FakeSfu(), { storage, preferredLanguages: ['es'] });
    expect(next.session.translation.settings).toMatchObject({ speak: 'en', captions: 'de', show: 'both' });
  });

  it('shows captions, fills the transcript from finals, and follows peerLanguages', async () => {
    const sfu = new FakeSfu();
    sfu.existingPeers = [bobGerman()];
    const { session: s } = makeSession(sfu);
    session = s;
    await s.join('room', 'Ann');
    const base = { utteranceId: 'u1', speakerPeerId: 'bob', speakerName: 'Bob', language: 'de', timestamp: 5 };
    sfu.notify('caption', { ...base, final: false, text: 'Guten', translation: { language: 'en', text: 'Good', via: [] } });
    sfu.notify('caption', { ...base, final: true, text: 'Guten Morgen.', translation: { language: 'en', text: 'Good morning.', via: [] } });
    expect(s.translation.state.captions).toHaveLength(1);
    expect(s.translation.state.captions[0]).toMatchObject({ final: true, translation: { text: 'Good morning.' } });
    expect(s.translation.state.transcript.map((e) => e.translations.en?.text)).toEqual(['Good morning.']);
    expect(s.translation.received).toHaveLength(2);

    sfu.notify('peerLanguages', { peerId: 'bob', speak: 'es', captions: 'en', voice: false });
    expect(s.state.peers.bob!.languages).toEqual({ speak: 'es', captions: 'en', voice: false });
  });

  it('keeps the chat translation for this reader; own messages carry our language', async () => {
    const sfu = new FakeSfu();
    sfu.existingPeers = [bobGerman()];
    const { session: s } = makeSession(sfu);
    session = s;
    await s.join('room', 'Ann');
    sfu.notify('chat', {
      id: 'm1', peerId: 'bob', displayName: 'Bob', text: 'Hallo', timestamp: 1, language: 'de',
      translation: { language: 'en', text: 'Hello', via: [] },
    });
    await s.sendChat('Hi Bob');
    expect(s.state.chat[0]).toMatchObject({ text: 'Hallo', language: 'de', translation: { text: 'Hello' }, fromSelf: false });
    expect(s.state.chat[1]).toMatchObject({ text: 'Hi Bob', language: 'en', fromSelf: true });
  });
});

describe('translated voice consumers', () => {
  let session: CallSession | undefined;
  afterEach(async () => {
    await session?.leave();
    session = undefined;
  });

  async function joinedWithVoices(preferred = ['en-US']) {
    const sfu = new FakeSfu();
    const b = bobGerman();
    b.producers.push(voice('en'), voice('es'));
    sfu.existingPeers = [b];
    const { session: s } = makeSession(sfu, { preferredLanguages: preferred });
    session = s;
    await s.join('room', 'Ann');
    return { sfu, s };
  }

  const voices = (s: CallSession) =>
    Object.values(s.state.peers.bob!.consumers).filter((c) => c.source === 'translation');

  it('consumes only the voice in our caption language', async () => {
    const { sfu, s } = await joinedWithVoices();
    expect(consumedIds(sfu).sort()).toEqual(['bob-cam', 'bob-mic', 'bob-tts-en']);
    expect(voices(s)).toHaveLength(1);
    expect(voices(s)[0]).toMatchObject({ language: 'en', speakerPeerId: 'bob' });
    expect(voices(s)[0]!.paused ?? false).toBe(false);
    // The speaker's mic is still what the tile plays; the voice is separate.
    const audio = await s.translationAudio();
    expect(audio).toHaveLength(1);
    expect(audio[0]).toMatchObject({ producerId: 'bob-tts-en', speakerPeerId: 'bob', language: 'en', paused: false });
    expect(audio[0]!.track.readyState).toBe('live');
  });

  it('switching caption language pauses the old voice and consumes the new one', async () => {
    const { sfu, s } = await joinedWithVoices();
    const enConsumer = voices(s)[0]!.id;
    await s.setLanguages({ captions: 'es' });
    await until(() => consumedIds(sfu).includes('bob-tts-es'), 'consume of the Spanish voice');
    await until(() => voices(s).length === 2, 'Spanish voice consumer');
    expect(sfu.log.filter((r) => r.method === 'pauseConsumer').map((r) => r.data.consumerId)).toEqual([enConsumer]);
    const byLang = Object.fromEntries(voices(s).map((c) => [c.language, c.paused ?? false]));
    expect(byLang).toEqual({ en: true, es: false });
    // Back to English: the paused consumer is resumed, not consumed again.
    await s.setLanguages({ captions: 'en' });
    await until(() => sfu.log.filter((r) => r.method === 'resumeConsumer' && r.data.consumerId === enConsumer).length === 2, 'resume en');
    expect(consumedIds(sfu).filter((id) => id === 'bob-tts-en')).toHaveLength(1);
    expect(Object.fromEntries(voices(s).map((c) => [c.language, c.paused ?? false]))).toEqual({ en: false, es: true });
  });

  it('voice off pauses the voice; a new voice producer is not consumed while off', async () => {
    const { sfu, s } = await joinedWithVoices();
    await s.setLanguages({ voice: false });
    expect(voices(s).every((c) => c.paused)).toBe(true);
    expect((await s.translationAudio())[0]!.paused).toBe(true);
    const cidVoice = voice('en', 'cid');
    sfu.notify('peerJoined', { id: 'cid', displayName: 'Cid' });
    sfu.knowProducer(cidVoice);
    sfu.notify('newProducer', cidVoice);
    await new Promise((r) => setTimeout(r, 20));
    expect(consumedIds(sfu)).not.toContain('cid-tts-en');
    await s.setLanguages({ voice: true });
    await until(() => consumedIds(sfu).includes('cid-tts-en'), 'cid voice consumed once voice is on');
  });

  it('never consumes a translation of our own speech', async () => {
    const { sfu, s } = await joinedWithVoices();
    const own = voice('en', s.peerId!);
    sfu.knowProducer(own);
    sfu.notify('newProducer', own);
    await new Promise((r) => setTimeout(r, 20));
    expect(consumedIds(sfu)).not.toContain(own.id);
  });
});

describe('window.__jb translation hooks', () => {
  let session: CallSession | undefined;
  afterEach(async () => {
    setActiveSession(undefined);
    await session?.leave();
    session = undefined;
  });

  it('expose captions, transcript, languages, translated audio and ducking', async () => {
    const sfu = new FakeSfu();
    const b = bobGerman();
    b.producers.push(voice('en'));
    sfu.existingPeers = [b];
    const { session: s } = makeSession(sfu);
    session = s;
    const target: { __jb?: JbTestHooks } = {};
    installTestHooks(target);
    setActiveSession(s);
    await s.join('room', 'Ann');
    const jb = target.__jb!;
    sfu.notify('caption', {
      utteranceId: 'u1', speakerPeerId: 'bob', speakerName: 'Bob', final: true, language: 'de', text: 'Hallo.', timestamp: 9,
      translation: { language: 'en', text: 'Hello.', via: [] },
    });
    expect(jb.captions()).toEqual([
      expect.objectContaining({ utteranceId: 'u1', final: true, shown: { primary: 'Hello.', secondary: undefined, via: [], translated: true } }),
    ]);
    expect(jb.captionsReceived()).toHaveLength(1);
    expect(jb.transcript()[0]).toMatchObject({ text: 'Hallo.', translations: { en: { text: 'Hello.' } } });
    expect(jb.languages()).toMatchObject({ settings: { speak: 'en', captions: 'en', voice: true }, peers: { bob: { speak: 'de' } } });
    await until(() => Object.values(s.state.peers.bob!.consumers).some((c) => c.source === 'translation'), 'voice consumer');
    const audio = await jb.translationAudio();
    expect(audio).toEqual([expect.objectContaining({ producerId: 'bob-tts-en', paused: false, ducking: expect.objectContaining({ ducked: false, metered: false }) })]);
    expect(jb.ducking().bob).toMatchObject({ ducked: false, originalVolume: 1 });
    await jb.setLanguages({ voice: false });
    expect((await jb.translationAudio())[0]!.paused).toBe(true);
    expect(sfu.log.filter((r) => r.method === 'setLanguages')).toHaveLength(1);
  });
});

describe('languages changed while joining', () => {
  it('are sent once the join is answered', async () => {
    const sfu = new FakeSfu();
    const { session: s } = makeSession(sfu);
    const joining = s.join('room', 'Ann');
    await until(() => sfu.methods().includes('join'), 'join sent');
    await s.setLanguages({ captions: 'es' });
    await joining;
    await until(() => sfu.methods().includes('setLanguages'), 'setLanguages after join');
    expect(sfu.log.find((r) => r.method === 'join')!.data.languages).toMatchObject({ captions: 'en' });
    expect(sfu.log.find((r) => r.method === 'setLanguages')!.data).toEqual({ speak: 'en', captions: 'es', voice: true });
    await s.leave();
  });
});
