import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type ReactElement } from 'react';
import type { CallSession } from '../call/CallSession';
import { selectPeerMedia, selectPeers, selectTranslationVoices, type CallState } from '../call/callState';
import { languageName } from '../translation/languages';
import type { TranslationState } from '../translation/translationState';
import { CaptionsOverlay } from './CaptionsOverlay';
import { LanguagePanel } from './LanguagePanel';
import { TranscriptPanel } from './TranscriptPanel';
import { roomLink } from '../room/roomId';
import { AudioSink } from './AudioSink';
import { ChatPanel } from './ChatPanel';
import { ControlBar } from './ControlBar';
import { ErrorBanner } from './ErrorBanner';
import { ParticipantsPanel, type ParticipantRow } from './ParticipantsPanel';
import { ReconnectingBanner } from './ReconnectingBanner';
import { SettingsPanel } from './SettingsPanel';
import { Stage } from './Stage';
import { SpeakerProvider } from './SpeakerContext';
import { VideoLayerScope } from './VideoLayerScope';

export function useCallState(session: CallSession): CallState {
  return useSyncExternalStore(session.store.subscribe, session.store.getState);
}

export function useTranslationState(session: CallSession): TranslationState {
  return useSyncExternalStore(session.translation.store.subscribe, session.translation.store.getState);
}

function useDuckedVolumes(session: CallSession): Readonly<Record<string, number>> {
  return useSyncExternalStore(session.voice.subscribe, session.voice.getVolumes);
}

type Panel = 'none' | 'chat' | 'participants' | 'language' | 'transcript' | 'settings';

export function CallView({ session, onLeave }: { session: CallSession; onLeave: () => void }): ReactElement {
  const state = useCallState(session);
  const tr = useTranslationState(session);
  const volumes = useDuckedVolumes(session);
  const speakerId = useSyncExternalStore(session.devices.subscribe, () => session.devices.getState().choice.speakerId);
  const caps = tr.capabilities;
  const [panel, setPanel] = useState<Panel>('none');
  const [toast, setToast] = useState<string | undefined>();
  const seenChat = useRef(0);
  // Stable: SettingsPanel's Esc listener is bound to it.
  const closePanel = useCallback(() => setPanel('none'), []);

  const peers = selectPeers(state);
  const roomId = state.roomId ?? '';
  const selfId = state.selfPeerId ?? 'self';
  const selfCamOff = !state.local.camOn || !state.local.videoTrack;

  if (panel === 'chat') seenChat.current = state.chat.length;
  const unread = state.chat.slice(seenChat.current).filter((m) => !m.fromSelf).length;

  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(undefined), 2500);
    return () => clearTimeout(t);
  }, [toast]);

  const copyLink = () => {
    const link = roomLink(location.origin, roomId);
    copyText(link).then(
      () => setToast('Meeting link copied'),
      () => setToast(`Copy this link: ${link}`),
    );
  };

  const rows: ParticipantRow[] = [
    {
      peerId: selfId,
      name: state.displayName,
      isSelf: true,
      micMuted: !state.local.micOn,
      camOff: selfCamOff,
      speaks: languageName(tr.settings.speak, caps),
      speaksCode: tr.settings.speak,
    },
    ...peers.map((p) => {
      const m = selectPeerMedia(p);
      const code = p.languages?.speak;
      return {
        peerId: p.id,
        name: p.displayName || 'Guest',
        isSelf: false,
        micMuted: m.micMuted,
        camOff: m.camOff,
        reconnecting: p.reconnecting === true,
        ...(code ? { speaks: languageName(code, caps), speaksCode: code } : {}),
      };
    }),
  ];

  return (
    <SpeakerProvider tracker={session.speakers}>
    <div className={`call${state.phase === 'reconnecting' ? ' call-reconnecting' : ''}`} data-testid="call-view" data-phase={state.phase}>
      <ErrorBanner errors={state.errors} onDismiss={(id) => session.dismissError(id)} />
      {state.phase === 'connecting' ? (
        <div className="status-pill" data-testid="connecting">Joining…</div>
      ) : null}
      {state.phase === 'reconnecting' && state.reconnect ? (
        <ReconnectingBanner info={state.reconnect} now={() => performance.now()} />
      ) : null}
      <div className="call-body">
        <section className="stage">
          <VideoLayerScope control={session.videoLayers}>
            <Stage
              state={state}
              onFirstRemoteFrame={() => session.markRemoteFrame()}
              onStopScreenShare={() => void session.stopScreenShare()}
            />
          </VideoLayerScope>
          {tr.settings.captionsOn ? (
            <CaptionsOverlay lines={tr.captions} show={tr.settings.show} selfPeerId={state.selfPeerId} />
          ) : null}
        </section>
        {panel === 'chat' ? (
          <ChatPanel
            messages={state.chat}
            onSend={(t) => session.sendChat(t)}
            onClose={() => setPanel('none')}
            canSend={session.permissions.chat}
          />
        ) : null}
        {panel === 'participants' ? <ParticipantsPanel rows={rows} onClose={() => setPanel('none')} /> : null}
        {panel === 'language' ? (
          <LanguagePanel
            settings={tr.settings}
            capabilities={caps}
            onChange={(patch) => void session.setLanguages(patch)}
            onClose={() => setPanel('none')}
          />
        ) : null}
        {panel === 'settings' ? (
          <SettingsPanel
            devices={session.devices}
            stats={session.connectionStats}
            peerNames={Object.fromEntries(peers.map((p) => [p.id, p.displayName]))}
            onClose={closePanel}
          />
        ) : null}
        {panel === 'transcript' ? (
          <TranscriptPanel
            entries={tr.transcript}
            roomId={state.roomId}
            captionLanguage={tr.settings.captions}
            selfPeerId={state.selfPeerId}
            onClose={() => setPanel('none')}
          />
        ) : null}
      </div>
      <div className="audio-sinks" hidden>
        {peers.flatMap((p) =>
          selectPeerMedia(p).audioTracks.map((t) => (
            <AudioSink key={t.id} track={t} peerId={p.id} volume={volumes[p.id] ?? 1} sinkId={speakerId} />
          )),
        )}
        {selectTranslationVoices(state).map((v) => (
          <AudioSink key={v.track.id} track={v.track} peerId={v.speakerPeerId} kind="translation" language={v.language} sinkId={speakerId} />
        ))}
      </div>
      {toast ? (
        <div className="toast" role="status" data-testid="toast">
          {toast}
        </div>
      ) : null}
      <ControlBar
        roomId={roomId}
        micOn={state.local.micOn}
        camOn={state.local.camOn}
        micAvailable={state.local.micAvailable}
        camAvailable={state.local.camAvailable}
        screenSharing={state.local.screenTrack !== undefined}
        canShareScreen={session.canShareScreen && state.phase === 'joined'}
        chatOpen={panel === 'chat'}
        participantsOpen={panel === 'participants'}
        captionsOn={tr.settings.captionsOn}
        languageOpen={panel === 'language'}
        transcriptOpen={panel === 'transcript'}
        settingsOpen={panel === 'settings'}
        unreadChat={unread}
        participantCount={peers.length + 1}
        onToggleMic={() => void session.setMicEnabled(!state.local.micOn)}
        onToggleCam={() => void session.setCamEnabled(!state.local.camOn)}
        onToggleScreenShare={() =>
          void (state.local.screenTrack ? session.stopScreenShare() : session.startScreenShare())
        }
        onCopyLink={copyLink}
        onToggleChat={() => setPanel(panel === 'chat' ? 'none' : 'chat')}
        onToggleParticipants={() => setPanel(panel === 'participants' ? 'none' : 'participants')}
        onToggleCaptions={() => void session.setLanguages({ captionsOn: !tr.settings.captionsOn })}
        onToggleLanguage={() => setPanel(panel === 'language' ? 'none' : 'language')}
        onToggleTranscript={() => setPanel(panel === 'transcript' ? 'none' : 'transcript')}
        onToggleSettings={() => setPanel(panel === 'settings' ? 'none' : 'settings')}
        onLeave={onLeave}
      />
    </div>
    </SpeakerProvider>
  );
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Fall through: no permission (e.g. an insecure origin).
    }
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  const ok = document.execCommand('copy');
  ta.remove();
  if (!ok) throw new Error('copy failed');
}
