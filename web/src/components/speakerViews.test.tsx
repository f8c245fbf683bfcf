// Render checks (server-side rendering) for the active speaker views: the ring on the dominant
// speaker's tile, the bars for whoever speaks, and the same in the participants list.
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { ActiveSpeakerTracker } from '../call/activeSpeaker';
import { ParticipantsPanel } from './ParticipantsPanel';
import { SpeakerProvider } from './SpeakerContext';
import { VideoTile } from './VideoTile';

function tracker(): ActiveSpeakerTracker {
  const t = new ActiveSpeakerTracker(() => 0);
  t.onNotification({ method: 'activeSpeaker', data: { peerId: 'ann' } });
  t.onNotification({ method: 'audioLevels', data: { levels: [{ peerId: 'ann', level: -20 }, { peerId: 'bob', level: -40 }] } });
  t.close();
  return t;
}

function tile(peerId: string, micMuted = false): string {
  return renderToStaticMarkup(
    <SpeakerProvider tracker={tracker()}>
      <VideoTile peerId={peerId} name={peerId} track={undefined} camOff micMuted={micMuted} isSelf={false} />
    </SpeakerProvider>,
  );
}

describe('active speaker views', () => {
  it('rings only the dominant speaker and animates everyone speaking', () => {
    const ann = tile('ann');
    expect(ann).toContain('tile-dominant');
    expect(ann).toContain('data-dominant-speaker="true"');
    expect(ann).toContain('data-speaking="true"');
    const bob = tile('bob');
    expect(bob).not.toContain('tile-dominant');
    expect(bob).toContain('data-speaking="true"');
    expect(tile('cid')).toContain('data-speaking="false"');
  });

  it('a muted tile shows the mic-off icon, never the bars', () => {
    const bob = tile('bob', true);
    expect(bob).toContain('data-testid="tile-mic-muted"');
    expect(bob).not.toContain('data-testid="speaking-indicator"');
  });

  it('tiles outside a provider render as nobody speaking', () => {
    const html = renderToStaticMarkup(<VideoTile peerId="ann" name="Ann" track={undefined} camOff micMuted={false} isSelf={false} />);
    expect(html).toContain('data-dominant-speaker="false"');
  });

  it('participants list marks the dominant speaker and the speaking', () => {
    const html = renderToStaticMarkup(
      <SpeakerProvider tracker={tracker()}>
        <ParticipantsPanel
          rows={[
            { peerId: 'ann', name: 'Ann', isSelf: false, micMuted: false, camOff: true },
            { peerId: 'cid', name: 'Cid', isSelf: false, micMuted: true, camOff: true },
          ]}
          onClose={() => {}}
        />
      </SpeakerProvider>,
    );
    expect(html).toMatch(/data-testid="participant-mic" data-dominant-speaker="true" data-speaking="true"/);
    expect(html).toMatch(/data-testid="participant-mic" data-dominant-speaker="false" data-speaking="false"/);
  });
});
