// The browser's level meter for VoiceMonitor: a WebAudio AnalyserNode on the track.
import { rms } from './ducking';
import type { CreateLevelMeter, LevelMeter } from './VoiceMonitor';

let shared: AudioContext | undefined;

function context(): AudioContext | undefined {
  if (typeof AudioContext === 'undefined') return undefined;
  shared ??= new AudioContext();
  // Created before a user gesture it starts suspended; any later gesture lets it run.
  if (shared.state === 'suspended') void shared.resume().catch(() => {});
  return shared;
}

export const createWebAudioMeter: CreateLevelMeter = (track) => {
  const ctx = context();
  if (!ctx) return undefined;
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  const meter: LevelMeter = {
    level() {
      if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
      analyser.getFloatTimeDomainData(buf);
      return rms(buf);
    },
    close() {
      source.disconnect();
      analyser.disconnect();
    },
  };
  return meter;
};
