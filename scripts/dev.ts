import { spawn, spawnSync } from 'node:child_process'
import { boot } from './lib/boot'

// build once so the server has something to serve, then rebuild on change; the server
// re-imports the build when it changes
const first = spawnSync(process.execPath, ['node_modules/@remix-run/dev/dist/cli.js', 'build'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'development' } })
if (first.status !== 0) process.exit(first.status ?? 1)
const watcher = spawn(process.execPath, ['node_modules/@remix-run/dev/dist/cli.js', 'watch'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'development' } })
process.on('exit', () => watcher.kill())
await boot('development')
