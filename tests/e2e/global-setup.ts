import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import readline from 'node:readline'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string
    chromiumPath: string
  }
}

let server: ChildProcess | undefined

export function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
}

/** Starts the built app (`remix build` ran before) with a fresh in-memory database and the demo seed. */
export async function setup(project: TestProject) {
  if (!fs.existsSync('build/index.js')) throw new Error('No production build: run `npx remix build` first (npm test does).')
  if (!fs.existsSync(chromiumPath())) {
    throw new Error(`Chromium not found at ${chromiumPath()}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`)
  }
  server = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      EMBEDDED_DB_MEMORY: '1',
      SESSION_SECRET: 'e2e-session-secret-0123456789',
      MONGODB_URI: '',
      SMTP_URL: '',
      STRIPE_SECRET_KEY: '',
      CLOUDINARY_URL: '',
      DATA_DIR: fs.mkdtempSync('/tmp/abad-e2e-'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const baseURL = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the app did not start within 60 s')), 60_000)
    server!.once('exit', (code) => reject(new Error(`the app exited with code ${code} before it was ready`)))
    readline.createInterface({ input: server!.stdout! }).on('line', (line) => {
      const match = /running on (http:\/\/\S+)/.exec(line)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
  })
  project.provide('baseURL', baseURL)
  project.provide('chromiumPath', chromiumPath())
}

export async function teardown() {
  if (!server || server.exitCode !== null) return
  await new Promise<void>((resolve) => {
    server!.once('exit', () => resolve())
    server!.kill('SIGTERM')
    setTimeout(() => server!.kill('SIGKILL'), 8000).unref()
  })
}
