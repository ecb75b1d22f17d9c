import { describe, expect, test } from 'vitest';
import { formatCoordinates, formatDuration, formatSize, mapUrl, mediaLabel, messagePreview } from './media.ts';

describe('media in words', () => {
  test('pushes and previews name the media, then the caption', () => {
    expect(mediaLabel({ kind: 'image', name: 'a.jpg' })).toBe('📷 Photo');
    expect(mediaLabel({ kind: 'voice', name: 'voice.webm', durationMs: 12_400 })).toBe('🎤 Voice message (0:12)');
    expect(mediaLabel({ kind: 'video', name: 'v.mp4', durationMs: 3_723_000 })).toBe('🎥 Video (1:02:03)');
    expect(mediaLabel({ kind: 'file', name: 'report.pdf' })).toBe('📄 report.pdf');
    expect(messagePreview({ body: 'Look!', media: { kind: 'image', name: 'a.jpg' } })).toBe('📷 Photo Look!');
    expect(messagePreview({ body: 'just text' })).toBe('just text');
    expect(messagePreview({ body: '', location: { latitude: 1, longitude: 2 } })).toBe('📍 Location');
    expect(messagePreview({ body: 'see you', location: { latitude: 1, longitude: 2, label: 'The pier' } })).toBe('📍 The pier see you');
  });

  test('places as people read them, and a map link that needs nothing from the server', () => {
    expect(formatCoordinates({ latitude: 51.5074, longitude: -0.1278 })).toBe('51.50740° N, 0.12780° W');
    expect(formatCoordinates({ latitude: -33.8688, longitude: 151.2093 })).toBe('33.86880° S, 151.20930° E');
    expect(mapUrl({ latitude: 51.5074, longitude: -0.1278 })).toBe('https://www.openstreetmap.org/?mlat=51.507400&mlon=-0.127800#map=16/51.507400/-0.127800');
  });

  test('sizes and durations as people read them', () => {
    expect([formatSize(812), formatSize(14_300), formatSize(3_240_000), formatSize(1_500_000_000)]).toEqual(['812 B', '14 KB', '3.2 MB', '1.5 GB']);
    expect([formatDuration(0), formatDuration(7_000), formatDuration(83_000)]).toEqual(['0:00', '0:07', '1:23']);
  });
});
