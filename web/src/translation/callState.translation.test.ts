import { describe, expect, it } from 'vitest';
import { callReducer, initialCallState, selectPeerMedia, selectTranslationVoices, type CallAction, type CallState } from '../call/callState';
import type { ProducerInfo } from '../signaling/protocol';

const track = (id: string) => ({ kind: 'audio', id }) as unknown as MediaStreamTrack;
const run = (actions: CallAction[], from: CallState = initialCallState()) => actions.reduce(callReducer, from);

const mic: ProducerInfo = { id: 'b-mic', peerId: 'b', kind: 'audio', source: 'mic', paused: false };
const tts: ProducerInfo = { id: 'b-tts-de', peerId: 'b', kind: 'audio', source: 'translation', paused: false, language: 'de', speakerPeerId: 'b' };

describe('call state with translation', () => {
  const base = run([
    { type: 'connecting', roomId: 'r', displayName: 'Ann' },
    { type: 'joined', selfPeerId: 'a', peers: [{ id: 'b', displayName: 'Bob', producers: [mic, tts], languages: { speak: 'en', captions: 'en', voice: true } }] },
    { type: 'consumerAdded', consumer: { id: 'c-mic', producerId: mic.id, peerId: 'b', kind: 'audio', source: 'mic', track: track('t-mic') } },
    {
      type: 'consumerAdded',
      consumer: { id: 'c-tts', producerId: tts.id, peerId: 'b', kind: 'audio', source: 'translation', track: track('t-tts'), language: 'de', speakerPeerId: 'b' },
    },
  ]);

  it('keeps peer languages from join, peerJoined and peerLanguages', () => {
    expect(base.peers.b!.languages).toEqual({ speak: 'en', captions: 'en', voice: true });
    const s = run(
      [
        { type: 'peerLanguages', peerId: 'b', languages: { speak: 'es', captions: 'de', voice: false } },
        { type: 'peerJoined', id: 'c', displayName: 'Cid', languages: { speak: 'fr', captions: 'fr', voice: true } },
      ],
      base,
    );
    expect(s.peers.b!.languages).toEqual({ speak: 'es', captions: 'de', voice: false });
    expect(s.peers.c!.languages?.speak).toBe('fr');
  });

  it('plays a translated voice apart from the speaker tile, and not while paused', () => {
    const media = selectPeerMedia(base.peers.b!);
    expect(media.audioTracks.map((t) => t.id)).toEqual(['t-mic']);
    expect(media.micMuted).toBe(false);
    expect(selectTranslationVoices(base).map((v) => [v.id, v.speakerPeerId, v.language])).toEqual([['c-tts', 'b', 'de']]);
    const paused = callReducer(base, { type: 'consumerPausedChanged', consumerId: 'c-tts', paused: true });
    expect(selectTranslationVoices(paused)).toEqual([]);
    expect(callReducer(paused, { type: 'consumerPausedChanged', consumerId: 'c-tts', paused: true })).toBe(paused);
  });

  it('a speaker without a mic shows as muted even when their translated voice exists', () => {
    const s = run([
      { type: 'connecting', roomId: 'r', displayName: 'Ann' },
      { type: 'joined', selfPeerId: 'a', peers: [{ id: 'b', displayName: 'Bob', producers: [tts] }] },
    ]);
    expect(selectPeerMedia(s.peers.b!).micMuted).toBe(true);
  });
});
