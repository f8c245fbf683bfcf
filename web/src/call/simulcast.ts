// Camera simulcast, the sending half: three VP8 encodings of the same camera (rid r0, r1,
// r2 from low to high, named by mediasoup-client), so the SFU can forward each receiver
// the one that fits its tile. The screen share stays one layer: scaling text down makes it
// unreadable, and it is shown large anyway.
import type { types as ms } from 'mediasoup-client';
import { SignalingError } from '../signaling/SignalingError';

/**
 * The ladder, low to high: 1/4, 1/2 and full size of the capture (320x180, 640x360 and
 * 1280x720 for the 720p camera we ask for). Bitrates as in mediasoup-demo. Chrome drops
 * layers for small captures (two for 640x480, one below 480x270), which is why the camera
 * is captured at 720p (CAMERA_CONSTRAINTS).
 */
export const SIMULCAST_LADDER: ReadonlyArray<{ scaleResolutionDownBy: number; maxBitrate: number }> = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

/** The height of each layer, low to high, for a capture `captureHeight` tall. */
export function layerHeights(captureHeight: number): number[] {
  return SIMULCAST_LADDER.map((l) => Math.round(captureHeight / l.scaleResolutionDownBy));
}

/**
 * A fresh encodings array for `produce` (mediasoup-client writes rid and scalabilityMode
 * into the objects it is given, so they are never shared).
 *
 * L1T1, one temporal layer: the SFU forwards whole encodings and never drops temporal layers
 * (docs/media.md), so L1T3 bought nothing, and under loss it cost about a fifth of the frames.
 * With L1T3 three frames in four are TL1/TL2, which no TL0 frame depends on; Chrome's
 * receiver decodes the next decodable frame when its playout time comes instead of waiting
 * for a retransmission, so a TL1/TL2 frame that lost a packet is skipped whenever its repair
 * (NACK round trip, longer still when the uplink lost it: SFU -> sender -> SFU -> receiver)
 * takes longer than one frame interval plus the jitter buffer. Measured with the loss test
 * (5% loss and 40 ms each way): decoded frames 0.73-0.88 of the lossless ones with L1T3
 * (framesDropped 20-80, ~15% of frames never complete), 1.0 with L1T1. Use L1T3 again when
 * the SFU selects temporal layers.
 */
export function cameraEncodings(): ms.RtpEncodingParameters[] {
  return SIMULCAST_LADDER.map((l) => ({ ...l, scalabilityMode: 'L1T1' }));
}

/** Start the encoder at 1 Mbit/s instead of Chrome's 300 kbit/s: the top layer appears in seconds. */
export const CAMERA_CODEC_OPTIONS: ms.ProducerCodecOptions = { videoGoogleStartBitrate: 1000 };

/** Generous: the removal is one local offer/answer, a few ms. */
const REFUSED_CLEANUP_MS = 250;

/**
 * Produces the camera in simulcast. A server that cannot take rid-based simulcast refuses
 * the producer (`unsupported`); the camera is then sent as one layer rather than not at all.
 */
export async function produceCamera(transport: ms.Transport, options: ms.ProducerOptions): Promise<ms.Producer> {
  try {
    return await transport.produce({ ...options, encodings: cameraEncodings(), codecOptions: CAMERA_CODEC_OPTIONS });
  } catch (err) {
    if (!(err instanceof SignalingError) || err.code !== 'unsupported' || transport.closed) throw err;
    console.info('[simulcast] the server refused a simulcast camera; sending one layer:', err.message);
    // mediasoup-client removes the refused transceiver in the background (Transport.produce
    // does not await its stopSending renegotiation); a produce that overlaps it builds its
    // offer from a half-removed section ("no a=ssrc lines found"). Let it finish first.
    await new Promise((resolve) => setTimeout(resolve, REFUSED_CLEANUP_MS));
    return transport.produce(options);
  }
}
