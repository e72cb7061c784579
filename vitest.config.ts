import path from 'node:path'
import { defineConfig } from 'vitest/config'

const alias = (prefix: string, dir: string) => ({ find: new RegExp(`^#${prefix}/(.*)$`), replacement: `${path.resolve(dir)}/$1` })

export default defineConfig({
  resolve: { alias: [alias('app', 'app'), alias('models', 'models'), alias('tests', 'tests'), alias('scripts', 'scripts')] },
  esbuild: { jsx: 'automatic' },
  test: {
    include: ['app/**/*.test.{ts,tsx}', 'models/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    setupFiles: ['tests/setup/db.ts'],
    pool: 'forks',
    maxWorkers: 2,
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: 'test' },
  },
})
