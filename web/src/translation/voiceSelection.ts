// Which translated-voice producers to receive: only those speaking the user's caption
// language, and only while "Speak translations to me" is on.
import type { LanguageChoice, ProducerInfo } from '../signaling/protocol';

export interface TranslationProducerLike {
  id: string;
  peerId: string;
  source: ProducerInfo['source'];
  language?: string;
  speakerPeerId?: string;
}

export function isTranslationProducer(p: { source: string }): boolean {
  return p.source === 'translation';
}

/** Whether this translation producer is wanted now. Never our own speech. */
export function wantsTranslationVoice(
  p: TranslationProducerLike,
  choice: LanguageChoice,
  selfPeerId: string | undefined,
): boolean {
  if (!isTranslationProducer(p) || !choice.voice) return false;
  const speaker = p.speakerPeerId ?? p.peerId;
  if (selfPeerId !== undefined && speaker === selfPeerId) return false;
  return p.language === choice.captions;
}

export interface VoiceConsumerLike {
  consumerId: string;
  producerId: string;
  paused: boolean;
}

export interface VoicePlan {
  /** Producers to consume (none yet). */
  consume: string[];
  /** Consumers to pause: no longer wanted. */
  pause: string[];
  /** Consumers to resume: wanted again. */
  resume: string[];
}

/**
 * Compares the translation producers known with the consumers we have. `inFlight`:
 * producers whose consume is under way (neither consumed again nor paused here).
 */
export function planVoiceConsumers(
  producers: readonly TranslationProducerLike[],
  consumers: readonly VoiceConsumerLike[],
  choice: LanguageChoice,
  selfPeerId: string | undefined,
  inFlight: ReadonlySet<string> = new Set(),
): VoicePlan {
  const plan: VoicePlan = { consume: [], pause: [], resume: [] };
  const byProducer = new Map(consumers.map((c) => [c.producerId, c]));
  const known = new Set<string>();
  for (const p of producers) {
    if (!isTranslationProducer(p)) continue;
    known.add(p.id);
    const want = wantsTranslationVoice(p, choice, selfPeerId);
    const c = byProducer.get(p.id);
    if (c) {
      if (want && c.paused) plan.resume.push(c.consumerId);
      if (!want && !c.paused) plan.pause.push(c.consumerId);
    } else if (want && !inFlight.has(p.id)) {
      plan.consume.push(p.id);
    }
  }
  // A consumer whose producer we no longer know of is not ours to keep playing.
  for (const c of consumers) if (!known.has(c.producerId) && !c.paused) plan.pause.push(c.consumerId);
  return plan;
}
