// Tailwind theme: Parley's colours, one palette for light and dark.
import type { Config } from 'tailwindcss';

export default {
  content: ['./app/**/*.{ts,tsx}', './components/**/*.{ts,tsx}'],
  darkMode: 'media',
  theme: {
    extend: {
      colors: {
        brand: { DEFAULT: '#0b7c61', dark: '#09624d', light: '#d7f5ea' },
        bubble: { out: '#d9fdd3', 'out-dark': '#005c4b', in: '#ffffff', 'in-dark': '#202c33' },
        surface: { DEFAULT: '#f0f2f5', dark: '#111b21', panel: '#ffffff', 'panel-dark': '#1f2c34' },
        tick: { read: '#53bdeb' },
      },
    },
  },
} satisfies Config;
