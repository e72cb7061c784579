import { NavLink } from '@remix-run/react'
import type { ReactNode } from 'react'

export type TabLink = { to: string; label: ReactNode; count?: number; end?: boolean }

/**
 * Sub-pages of one page as links (not an ARIA tablist: each tab is its own URL, so the browser's
 * back button, sharing and no-JS all work). The current one carries aria-current="page".
 */
export function TabLinks({ items, label }: { items: readonly TabLink[]; label: string }) {
  return (
    <nav className="tabs" aria-label={label}>
      <ul>
        {items.map((item) => (
          <li key={item.to}>
            <NavLink to={item.to} end={item.end ?? true} className={({ isActive }) => (isActive ? 'tab is-active' : 'tab')} prefetch="intent">
              {item.label}
              {item.count != null ? <span className="tab-count">{item.count}</span> : null}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  )
}
