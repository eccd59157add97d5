import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The dev server listens on PORT (default {{ port }}).
export default defineConfig({
  plugins: [react()],
  server: { port: Number(process.env.PORT ?? {{ port }}) },
  test: { environment: 'node' },
});
