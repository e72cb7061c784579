import { describe, expect, it } from 'vitest'
import { barWidths } from './bar-chart'
import { formatBytes } from './fields'
import { humanise, toneFor } from './status-badge'

describe('status badges', () => {
  it('give the outcome statuses of the journeys a tone that matches their meaning', () => {
    for (const status of ['accepted', 'approved', 'completed', 'qc_passed', 'paid', 'listed']) expect(toneFor(status)).toBe('success')
    for (const status of ['rejected', 'qc_failed', 'recalled', 'terminated']) expect(toneFor(status)).toBe('danger')
    for (const status of ['waitlisted', 'changes_requested', 'quarantined', 'no_show']) expect(toneFor(status)).toBe('warning')
    expect(toneFor('something_new')).toBe('neutral')
  })

  it('fall back to readable words for a status no catalogue has yet', () => {
    expect(humanise('changes_requested')).toBe('Changes requested')
    expect(humanise('in-review')).toBe('In review')
  })
})

describe('bar chart', () => {
  it('scales bars to the largest value or the given maximum', () => {
    expect(barWidths([5, 10, 0])).toEqual([50, 100, 0])
    expect(barWidths([5, 10], 20)).toEqual([25, 50])
    expect(barWidths([30], 20)).toEqual([100])
    expect(barWidths([-4, 8])).toEqual([0, 100])
    expect(barWidths([0, 0])).toEqual([0, 0])
    expect(barWidths([])).toEqual([])
  })
})

describe('file size hint', () => {
  it('reads like a person would write it', () => {
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 MB')
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MB')
    expect(formatBytes(300 * 1024)).toBe('300 KB')
    expect(formatBytes(512)).toBe('512 B')
  })
})
