import path from 'node:path'
import { defineConfig } from 'vitest/config'

const alias = (prefix: string, dir: string) => ({ find: new RegExp(`^#${prefix}/(.*)$`), replacement: `${path.resolve(dir)}/$1` })

/** Browser tests: real Chromium against the production build on a free port with a fresh database. */
export default defineConfig({
  resolve: { alias: [alias('app', 'app'), alias('models', 'models'), alias('tests', 'tests'), alias('scripts', 'scripts')] },
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
})
