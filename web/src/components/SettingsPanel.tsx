import { useEffect, useRef, useSyncExternalStore, type ReactElement } from 'react';
import type { LocalDevices } from '../call/LocalDevices';
import type { ConnectionStatsSampler } from '../call/connectionStats';
import { selectedId, type DeviceOption } from '../call/devices';
import { ConnectionStatsView } from './ConnectionStatsView';
import { SidePanel } from './SidePanel';

/** Whether this browser can choose where audio plays (HTMLMediaElement.setSinkId). */
const canChooseSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/** "Settings": microphone, camera and speaker, and how the connection is doing. Esc closes it. */
export function SettingsPanel(props: {
  devices: LocalDevices;
  stats: ConnectionStatsSampler;
  peerNames: Readonly<Record<string, string>>;
  onClose: () => void;
}): ReactElement {
  const { devices, onClose } = props;
  const d = useSyncExternalStore(devices.subscribe, devices.getState);
  const first = useRef<HTMLSelectElement>(null);

  useEffect(() => devices.watch(), [devices]);
  // Keyboard users land in the panel and, when it closes, back where they were (the gear).
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    first.current?.focus();
    return () => opener?.focus();
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <SidePanel title="Settings" testId="settings-panel" onClose={onClose}>
      <form className="settings" onSubmit={(e) => e.preventDefault()}>
        <DeviceSelect
          label="Microphone"
          testId="settings-microphone"
          selectRef={first}
          options={d.lists.microphones}
          value={selectedId(d.lists.microphones, d.inUse.microphoneId, d.choice.microphoneId)}
          disabled={d.switching}
          onChange={(id) => void devices.selectMicrophone(id)}
        />
        <DeviceSelect
          label="Camera"
          testId="settings-camera"
          options={d.lists.cameras}
          value={selectedId(d.lists.cameras, d.inUse.cameraId, d.choice.cameraId)}
          disabled={d.switching}
          onChange={(id) => void devices.selectCamera(id)}
        />
        {canChooseSpeaker ? (
          <DeviceSelect
            label="Speaker"
            testId="settings-speaker"
            options={d.lists.speakers}
            value={selectedId(d.lists.speakers, d.choice.speakerId)}
            disabled={false}
            onChange={(id) => devices.selectSpeaker(id)}
          />
        ) : null}
        <ConnectionStatsView stats={props.stats} peerNames={props.peerNames} />
      </form>
    </SidePanel>
  );
}

function DeviceSelect(props: {
  label: string;
  testId: string;
  options: DeviceOption[];
  value: string;
  disabled: boolean;
  onChange: (deviceId: string) => void;
  selectRef?: React.Ref<HTMLSelectElement>;
}): ReactElement {
  return (
    <label className="setting">
      <span>{props.label}</span>
      <select
        ref={props.selectRef}
        data-testid={props.testId}
        value={props.value}
        disabled={props.disabled || props.options.length === 0}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {props.options.length === 0 ? <option value="">None found</option> : null}
        {props.options.map((o) => (
          <option key={o.deviceId} value={o.deviceId}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
