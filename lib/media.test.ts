import { describe, expect, test } from 'vitest';
import { formatDuration, formatSize, mediaLabel, messagePreview } from './media.ts';

describe('media in words', () => {
  test('pushes and previews name the media, then the caption', () => {
    expect(mediaLabel({ kind: 'image', name: 'a.jpg' })).toBe('📷 Photo');
    expect(mediaLabel({ kind: 'voice', name: 'voice.webm', durationMs: 12_400 })).toBe('🎤 Voice message (0:12)');
    expect(mediaLabel({ kind: 'video', name: 'v.mp4', durationMs: 3_723_000 })).toBe('🎥 Video (1:02:03)');
    expect(mediaLabel({ kind: 'file', name: 'report.pdf' })).toBe('📄 report.pdf');
    expect(messagePreview({ body: 'Look!', media: { kind: 'image', name: 'a.jpg' } })).toBe('📷 Photo Look!');
    expect(messagePreview({ body: 'just text' })).toBe('just text');
  });

  test('sizes and durations as people read them', () => {
    expect([formatSize(812), formatSize(14_300), formatSize(3_240_000), formatSize(1_500_000_000)]).toEqual(['812 B', '14 KB', '3.2 MB', '1.5 GB']);
    expect([formatDuration(0), formatDuration(7_000), formatDuration(83_000)]).toEqual(['0:00', '0:07', '1:23']);
  });
});
