import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

/**
 * The whole suite, in the order a reviewer would want to read it: type check, unit and integration
 * tests (vitest against the embedded engine), production build, browser tests (real Chromium).
 * Ends with one plain line `N passed, N failed[, N skipped]`.
 */
type Counts = { passed: number; failed: number; skipped: number }
const total: Counts = { passed: 0, failed: 0, skipped: 0 }
fs.mkdirSync('.cache', { recursive: true })

function run(label: string, command: string, args: string[], env: Record<string, string> = {}) {
  console.log(`\n▶ ${label}: ${command} ${args.join(' ')}`)
  const started = Date.now()
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  console.log(`◀ ${label}: exit ${result.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return result.status === 0
}

function addVitestReport(file: string, label: string, exitedOk: boolean) {
  if (!fs.existsSync(file)) {
    console.log(`${label}: no report was written`)
    total.failed += 1
    return
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    numPassedTests: number
    numFailedTests: number
    numPendingTests: number
    numTodoTests: number
    numTotalTests: number
    testResults: { status: string; name: string; message?: string }[]
  }
  total.passed += report.numPassedTests
  total.failed += report.numFailedTests
  total.skipped += report.numPendingTests + report.numTodoTests
  // a file that failed to load has no test results but must still count as a failure
  const brokenFiles = report.testResults.filter((file) => file.status === 'failed' && report.numFailedTests === 0)
  if (brokenFiles.length || (!exitedOk && report.numFailedTests === 0)) total.failed += Math.max(1, brokenFiles.length)
  console.log(`${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed of ${report.numTotalTests}`)
}

const bin = (name: string) => `node_modules/.bin/${name}`

if (run('type check', bin('tsc'), ['--noEmit', '-p', '.'])) total.passed += 1
else total.failed += 1

for (const file of ['.cache/unit.json', '.cache/e2e.json']) fs.rmSync(file, { force: true })
const unitOk = run('unit and integration tests', bin('vitest'), ['run', '--reporter=default', '--reporter=json', '--outputFile.json=.cache/unit.json'])
addVitestReport('.cache/unit.json', 'unit and integration', unitOk)

if (run('production build', bin('remix'), ['build'])) {
  const e2eOk = run('browser tests', bin('vitest'), ['run', '-c', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json', '--outputFile.json=.cache/e2e.json'])
  addVitestReport('.cache/e2e.json', 'browser', e2eOk)
} else {
  total.failed += 1
}

const skipped = total.skipped ? `, ${total.skipped} skipped` : ''
console.log(`\n${total.passed} passed, ${total.failed} failed${skipped}`)
process.exit(total.failed === 0 ? 0 : 1)
