import { spawn, type ChildProcess } from 'node:child_process'
import readline from 'node:readline'
import { engineCommand } from '../embedded-mongo/engine-command'

/**
 * Starts the embedded engine in its own process (the app server is CPU-bound; the engine gets the
 * other core) and resolves with its URI once it prints it.
 */
export async function spawnEmbeddedDb({ dataDir, memory = false }: { dataDir?: string; memory?: boolean }) {
  const args = [...(await engineCommand()), '--port', '0']
  if (memory) args.push('--memory')
  else if (dataDir) args.push('--data', dataDir)
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  // the database never outlives the app that started it, even when the app crashes
  process.once('exit', () => {
    if (child.exitCode === null) child.kill('SIGTERM')
  })
  return new Promise<{ uri: string; stop: () => Promise<void> }>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! })
    const onExit = (code: number | null) => reject(new Error(`the embedded database exited (code ${code}) before it was ready`))
    child.once('exit', onExit)
    lines.once('line', (line) => {
      child.off('exit', onExit)
      const stop = () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null) return done()
          child.once('exit', () => done())
          child.kill('SIGTERM')
        })
      resolve({ uri: line.trim(), stop })
    })
  })
}

export function withDatabase(uri: string, name: string) {
  const url = new URL(uri)
  url.pathname = `/${name}`
  return url.toString()
}
