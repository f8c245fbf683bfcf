// The translated voices this client receives (docs/protocol.md "Translation"): consumed,
// paused or resumed to follow the language settings, with a level meter on each one that
// plays so the speaker's original can be ducked. CallSession owns the link and the consume
// flow; this keeps the voice consumers in line with what the user chose.
import type { CallLink } from '../call/CallLink';
import { selectTranslationProducers, selectTranslationVoices, type CallAction, type CallState, type RemoteProducer } from '../call/callState';
import type { LanguageChoice } from '../signaling/protocol';
import { planVoiceConsumers } from './voiceSelection';
import type { VoiceMonitor } from './VoiceMonitor';

/** What the voices need from the session. */
export interface TranslationVoicesHost {
  state(): CallState;
  choice(): LanguageChoice;
  /** Runs the consume flow for a translation producer. */
  consume(link: CallLink, producer: RemoteProducer): void;
  dispatch(action: CallAction): void;
  isCurrent(link: CallLink): boolean;
}

export class TranslationVoices {
  private meteredKey = '';

  constructor(
    private readonly host: TranslationVoicesHost,
    private readonly monitor: VoiceMonitor,
  ) {}

  /** Keeps the level meters on the translated voices playing now. */
  syncMeters(): void {
    const voices = selectTranslationVoices(this.host.state());
    const key = voices.map((v) => `${v.id}:${v.track.id}`).join(',');
    if (key === this.meteredKey) return;
    this.meteredKey = key;
    this.monitor.sync(voices.map((v) => ({ consumerId: v.id, speakerPeerId: v.speakerPeerId, track: v.track })));
  }

  /** Brings the translated-voice consumers in line with the settings. */
  applyPlan(link: CallLink): void {
    const state = this.host.state();
    const voices = [...link.consumers.entries()]
      .filter(([, e]) => e.source === 'translation')
      .map(([id, e]) => ({ consumerId: id, producerId: e.consumer.producerId, paused: e.consumer.paused }));
    const inFlight = new Set([...link.consumedProducers].filter((pid) => !voices.some((v) => v.producerId === pid)));
    const producers = selectTranslationProducers(state);
    const plan = planVoiceConsumers(producers, voices, this.host.choice(), state.selfPeerId, inFlight);
    for (const id of plan.pause) void this.setPaused(link, id, true);
    for (const id of plan.resume) void this.setPaused(link, id, false);
    for (const pid of plan.consume) {
      const pr = producers.find((p) => p.id === pid);
      if (pr) this.host.consume(link, pr);
    }
  }

  private async setPaused(link: CallLink, consumerId: string, paused: boolean): Promise<void> {
    const entry = link.consumers.get(consumerId);
    if (!entry || entry.consumer.closed) return;
    if (paused) entry.consumer.pause();
    else entry.consumer.resume();
    this.host.dispatch({ type: 'consumerPausedChanged', consumerId, paused });
    try {
      await link.signaling.request(paused ? 'pauseConsumer' : 'resumeConsumer', { consumerId });
    } catch (err) {
      // Gone meanwhile (producer closed, link lost): nothing to undo.
      if (this.host.isCurrent(link) && link.consumers.has(consumerId)) {
        console.warn(`[CallSession] ${paused ? 'pause' : 'resume'} of translated voice failed`, err);
      }
    }
  }
}
