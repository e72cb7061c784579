import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cliPath = fileURLToPath(new URL('./cli.ts', import.meta.url))
/** inside the project, so the bundle's own imports (bson) resolve from its node_modules */
const bundleDir = fileURLToPath(new URL('../../.cache/engine/', import.meta.url))

let cached: string[] | undefined

/**
 * The node arguments that start the engine's CLI in a child process. The engine's TypeScript is
 * bundled once per process by esbuild (about 50 ms) into `.cache/engine/cli-<hash>.mjs`, named by
 * its content so that every process (and every test worker) shares one up-to-date file. Starting
 * from the bundle saves the ~300 ms that tsx's loader costs each start. Without esbuild the CLI
 * runs through tsx as before.
 */
export async function engineCommand(): Promise<string[]> {
  if (cached) return cached
  try {
    const { build } = await import('esbuild')
    const result = await build({ entryPoints: [cliPath], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, logLevel: 'silent' })
    const code = result.outputFiles[0]!.contents
    const file = `${bundleDir}cli-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`
    if (!existsSync(file)) {
      mkdirSync(bundleDir, { recursive: true })
      // written aside and renamed: another process never runs half a file
      const partial = `${file}.${process.pid}.tmp`
      writeFileSync(partial, code)
      renameSync(partial, file)
    }
    cached = [file]
  } catch {
    cached = ['--import', 'tsx', cliPath]
  }
  return cached
}
