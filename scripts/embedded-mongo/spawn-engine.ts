import { spawn, type ChildProcess } from 'node:child_process'
import { engineCommand } from './engine-command.js'

export interface EngineProcess {
  child: ChildProcess
  pid: number
  uri: string
  /** everything the engine logged so far */
  stderr(): string
  /** everything it printed on stdout so far (the URI line, and nothing else) */
  stdout(): string
  /** SIGTERM and wait: resolves with the exit code */
  stop(): Promise<number | null>
  /** SIGKILL and wait */
  kill(): Promise<void>
}

export interface EngineExit {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/**
 * Starts the CLI in its own process. node runs it directly (no npx/tsx wrapper) so that the PID
 * is the engine's own: the one a crash test kills and a benchmark reads the memory of.
 */
export async function spawnEngine(args: string[], { timeoutMs = 30_000 } = {}): Promise<EngineProcess> {
  const child = spawn(process.execPath, [...(await engineCommand()), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let ready = false
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`engine did not start within ${timeoutMs} ms:\n${stderr}`))
    }, timeoutMs)
    child.once('error', reject)
    const exitedEarly = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer)
      reject(Object.assign(new Error(`engine exited before it was ready (${code ?? signal}):\n${stderr}`), { code, signal, stdout, stderr }))
    }
    child.once('exit', exitedEarly)
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      stdout += c
      const line = stdout.split('\n')
      if (line.length < 2 || ready) return
      ready = true
      clearTimeout(timer)
      child.off('exit', exitedEarly)
      resolve({
        child,
        pid: child.pid!,
        uri: line[0],
        stderr: () => stderr,
        stdout: () => stdout,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
          await exited
          return child.exitCode
        },
        async kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
          await exited
        },
      })
    })
  })
}

/** Runs the CLI to completion, for the cases where it must refuse to start. */
export async function runEngineToExit(args: string[], { timeoutMs = 30_000 } = {}): Promise<EngineExit> {
  const child = spawn(process.execPath, [...(await engineCommand()), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`engine still running after ${timeoutMs} ms:\n${stderr}`))
    }, timeoutMs)
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}
