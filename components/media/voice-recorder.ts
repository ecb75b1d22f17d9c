'use client';
// Recording a voice note in the browser: the microphone through MediaRecorder (Opus where the browser
// has it), its loudness sampled as it goes (the live bars, and the waveform sent with the note), and
// the length counted here (a recorded WebM file does not say how long it is).
import { WAVEFORM_STEPS } from '../../lib/media.ts';

export interface Recording {
  file: File;
  durationMs: number;
  /** Loudness over the recording, WAVEFORM_STEPS values (fewer for a short one) of 0–255. */
  waveform: number[];
}

const TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4'];
const SAMPLE_MS = 50;

/** Loudness samples squeezed (or kept) to at most `steps` values, scaled to 0–255 by the loudest. */
export function toWaveform(levels: number[], steps = WAVEFORM_STEPS): number[] {
  if (levels.length === 0) return [];
  const n = Math.min(steps, levels.length);
  const buckets = Array.from({ length: n }, (_, i) => {
    const from = Math.floor((i * levels.length) / n);
    const to = Math.max(from + 1, Math.floor(((i + 1) * levels.length) / n));
    return Math.max(...levels.slice(from, to));
  });
  const loudest = Math.max(...buckets) || 1;
  return buckets.map((v) => Math.round((v / loudest) * 255));
}

export class VoiceRecorder {
  private recorder: MediaRecorder | null = null;
  private stream: MediaStream | null = null;
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly chunks: Blob[] = [];
  private startedAt = 0;
  /** One loudness (0–1) per SAMPLE_MS so far. */
  readonly levels: number[] = [];

  /** Asks for the microphone (the browser asks the person) and starts; throws with why it cannot. */
  async start(onSample: () => void): Promise<void> {
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
    this.recorder = new MediaRecorder(this.stream, mimeType ? { mimeType } : undefined);
    this.recorder.ondataavailable = (e) => e.data.size && this.chunks.push(e.data);
    this.context = new AudioContext();
    const analyser = this.context.createAnalyser();
    analyser.fftSize = 512;
    this.context.createMediaStreamSource(this.stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      // Root mean square, lifted so that speech fills the bars (it rarely passes 0.3).
      this.levels.push(Math.min(1, Math.sqrt(sum / samples.length) * 4));
      onSample();
    }, SAMPLE_MS);
    this.recorder.start(250);
    this.startedAt = performance.now();
  }

  elapsedMs(): number {
    return this.startedAt ? performance.now() - this.startedAt : 0;
  }

  /** Ends the recording: the note to send. */
  async stop(): Promise<Recording> {
    const recorder = this.recorder!;
    const durationMs = Math.round(this.elapsedMs());
    const stopped = new Promise<void>((resolve) => (recorder.onstop = () => resolve()));
    recorder.stop();
    await stopped;
    this.release();
    const type = (recorder.mimeType || 'audio/webm').split(';')[0];
    const extension = type === 'audio/mp4' ? 'm4a' : type.split('/')[1];
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    const file = new File(this.chunks, `voice-${stamp}.${extension}`, { type });
    return { file, durationMs, waveform: toWaveform(this.levels) };
  }

  /** Throws the recording away. */
  cancel(): void {
    if (this.recorder?.state === 'recording') this.recorder.stop();
    this.release();
  }

  private release(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    void this.context?.close().catch(() => {});
    this.stream = null;
    this.context = null;
  }
}
