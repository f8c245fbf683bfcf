import { useState, type ReactElement } from 'react';
import { selectPeerMedia, selectPeers, selectScreens, type CallState } from '../call/callState';
import { planStage } from '../layout/stageLayout';
import { ScreenTile } from './ScreenTile';
import { VideoGrid } from './VideoGrid';
import { VideoTile } from './VideoTile';

export interface StageProps {
  state: CallState;
  onFirstRemoteFrame: () => void;
  onStopScreenShare: () => void;
}

/** The people of the call in a grid, or a shared screen large with everyone beside it. */
export function Stage({ state, onFirstRemoteFrame, onStopScreenShare }: StageProps): ReactElement {
  const [pinned, setPinned] = useState<string | undefined>();
  const peers = selectPeers(state);
  const plan = planStage(selectScreens(state), pinned);
  const selfCamOff = !state.local.camOn || !state.local.videoTrack;

  const people = [
    <VideoTile
      key="self"
      peerId={state.selfPeerId ?? 'self'}
      name={state.displayName}
      track={state.local.videoTrack}
      camOff={selfCamOff}
      micMuted={!state.local.micOn}
      isSelf
    />,
    ...peers.map((p) => {
      const m = selectPeerMedia(p);
      return (
        <VideoTile
          key={p.id}
          peerId={p.id}
          name={p.displayName}
          track={m.videoTrack}
          camOff={m.camOff}
          micMuted={m.micMuted}
          reconnecting={p.reconnecting === true}
          isSelf={false}
          onFirstFrame={onFirstRemoteFrame}
        />
      );
    }),
  ];

  if (plan.kind === 'grid') return <VideoGrid count={people.length}>{people}</VideoGrid>;
  return (
    <div className="presentation" data-testid="presentation-view">
      <div className="presentation-main">
        <ScreenTile
          key={plan.featured.key}
          screen={plan.featured}
          featured
          onStop={plan.featured.isSelf ? onStopScreenShare : undefined}
        />
      </div>
      <div className="presentation-strip" data-testid="presentation-strip">
        {plan.others.map((s) => (
          <ScreenTile
            key={s.key}
            screen={s}
            featured={false}
            onSelect={() => setPinned(s.key)}
            onStop={s.isSelf ? onStopScreenShare : undefined}
          />
        ))}
        {people}
      </div>
    </div>
  );
}
