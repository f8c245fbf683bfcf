// Inline SVG icons (Material-style paths) so the app has no icon dependency.
import type { ReactElement } from 'react';

function Icon({ d, title }: { d: string; title?: string }): ReactElement {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden={title ? undefined : true} role={title ? 'img' : undefined}>
      {title ? <title>{title}</title> : null}
      <path d={d} fill="currentColor" />
    </svg>
  );
}

const MIC =
  'M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2z';
const MIC_OFF =
  'M19 11h-1.7c0 .74-.16 1.43-.43 2.05l1.23 1.23c.56-.98.9-2.09.9-3.28zm-4.02.17c0-.06.02-.11.02-.17V5a3 3 0 0 0-6 0v.18l5.98 5.99zM4.27 3 3 4.27l6.01 6.01V11a3 3 0 0 0 3 3c.22 0 .44-.03.65-.08l1.66 1.66c-.71.33-1.5.52-2.31.52a5.1 5.1 0 0 1-5.3-5.1H5c0 3.41 2.72 6.23 6 6.72V21h2v-3.28c.91-.13 1.77-.45 2.54-.9L19.73 21 21 19.73 4.27 3z';
const CAM =
  'M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11l-4 4z';
const CAM_OFF =
  'M21 6.5l-4 4V7a1 1 0 0 0-1-1H9.82L21 17.18V6.5zM3.27 2 2 3.27 4.73 6H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12c.21 0 .39-.08.54-.18L19.73 21 21 19.73 3.27 2z';
const CHAT =
  'M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2zM6 9h12v2H6V9zm8 5H6v-2h8v2zm4-6H6V6h12v2z';
const PEOPLE =
  'M16 11a3 3 0 1 0-3-3 3 3 0 0 0 3 3zm-8 0a3 3 0 1 0-3-3 3 3 0 0 0 3 3zm0 2c-2.33 0-7 1.17-7 3.5V19h14v-2.5C15 14.17 10.33 13 8 13zm8 0c-.29 0-.62.02-.97.05A4.22 4.22 0 0 1 17 16.5V19h6v-2.5c0-2.33-4.67-3.5-7-3.5z';
const LINK =
  'M3.9 12A3.1 3.1 0 0 1 7 8.9h4V7H7a5 5 0 0 0 0 10h4v-1.9H7A3.1 3.1 0 0 1 3.9 12zM8 13h8v-2H8v2zm9-6h-4v1.9h4a3.1 3.1 0 0 1 0 6.2h-4V17h4a5 5 0 0 0 0-10z';
const HANGUP =
  'M12 9c-1.6 0-3.15.25-4.6.72v3.1c0 .39-.23.74-.56.9-.98.49-1.87 1.12-2.66 1.85a1 1 0 0 1-1.41-.01L.29 13.08a1 1 0 0 1 0-1.41C3.34 8.78 7.46 7 12 7s8.66 1.78 11.71 4.67a1 1 0 0 1 0 1.41l-2.48 2.48a1 1 0 0 1-1.41.01 11.3 11.3 0 0 0-2.67-1.85 1 1 0 0 1-.56-.9v-3.1A15 15 0 0 0 12 9z';
const CLOSE = 'M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z';
const SEND = 'M2.01 21 23 12 2.01 3 2 10l15 2-15 2z';

export const MicIcon = () => <Icon d={MIC} />;
export const MicOffIcon = ({ title }: { title?: string }) => <Icon d={MIC_OFF} title={title} />;
export const CamIcon = () => <Icon d={CAM} />;
export const CamOffIcon = ({ title }: { title?: string }) => <Icon d={CAM_OFF} title={title} />;
export const ChatIcon = () => <Icon d={CHAT} />;
export const PeopleIcon = () => <Icon d={PEOPLE} />;
export const LinkIcon = () => <Icon d={LINK} />;
export const HangupIcon = () => <Icon d={HANGUP} />;
export const CloseIcon = () => <Icon d={CLOSE} />;
export const SendIcon = () => <Icon d={SEND} />;

function TextIcon({ text }: { text: string }): ReactElement {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden>
      <rect x="2.5" y="5" width="19" height="14" rx="2.5" fill="none" stroke="currentColor" strokeWidth="2" />
      <text x="12" y="15.6" textAnchor="middle" fontSize="8.5" fontWeight="700" fill="currentColor" fontFamily="sans-serif">
        {text}
      </text>
    </svg>
  );
}

/** A page with a folded corner and three lines of text. */
function TranscriptGlyph(): ReactElement {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden fill="none" stroke="currentColor" strokeWidth="1.8">
      <path d="M6 2.9h8l5 5v13.2H6z" strokeLinejoin="round" />
      <path d="M14 2.9v5h5M8.8 12.2h7.4M8.8 15.2h7.4M8.8 18.2h4.6" />
    </svg>
  );
}

export const CaptionsIcon = () => <TextIcon text="CC" />;
export const TranslateIcon = () => <TextIcon text="Aa" />;
export const TranscriptIcon = () => <TranscriptGlyph />;

/** A screen with an arrow leaving it (share) or a cross on it (stop sharing). */
function ScreenGlyph({ stop }: { stop: boolean }): ReactElement {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden fill="none" stroke="currentColor" strokeWidth="1.9">
      <rect x="2.6" y="3.8" width="18.8" height="13" rx="2" />
      <path d="M8 20.6h8" strokeLinecap="round" />
      {stop ? (
        <path d="M9.4 7.7l5.2 5.2M14.6 7.7l-5.2 5.2" strokeLinecap="round" />
      ) : (
        <path d="M12 13.6V7.4M9.1 10.2 12 7.3l2.9 2.9" strokeLinecap="round" strokeLinejoin="round" />
      )}
    </svg>
  );
}

export const ScreenShareIcon = () => <ScreenGlyph stop={false} />;
export const StopScreenShareIcon = () => <ScreenGlyph stop />;
