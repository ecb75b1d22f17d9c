'use client';
// Registers the service worker on whatever page a visit starts on (public/sw.js).
import { useEffect } from 'react';
import { registerServiceWorker } from './service-worker.ts';

export function WorkerRegistration() {
  useEffect(() => void registerServiceWorker(), []);
  return null;
}
