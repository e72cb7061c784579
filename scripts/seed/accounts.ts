import { makeUser } from '#tests/factories/users'
import type { Role } from '#models/user.server'

export const DEMO_PASSWORD = 'abad-demo-2026'

/** One demo account per role (the README and the start-up banner list them). */
export const DEMO_ACCOUNTS: { role: Role; email: string; name: string; region?: string; lead?: boolean; locale?: 'az' | 'en' | 'ru' }[] = [
  { role: 'admin', email: 'admin@demo.abad.az', name: 'Aygün Məmmədova' },
  { role: 'case_manager', email: 'case.guba@demo.abad.az', name: 'Rəşad Əliyev', region: 'Guba' },
  { role: 'case_manager', email: 'case.lead@demo.abad.az', name: 'Səbinə Hüseynova', lead: true },
  { role: 'trainer', email: 'trainer@demo.abad.az', name: 'Nigar Quliyeva' },
  { role: 'technician', email: 'technician@demo.abad.az', name: 'Elvin Kərimov', region: 'Guba' },
  { role: 'designer', email: 'designer@demo.abad.az', name: 'Leyla Həsənova' },
  { role: 'designer', email: 'design.lead@demo.abad.az', name: 'Nərmin Qasımova', lead: true },
  { role: 'sales_manager', email: 'sales@demo.abad.az', name: 'Tural Babayev' },
  { role: 'programme_manager', email: 'programme@demo.innoland.az', name: 'Kamran Rzayev' },
  { role: 'mentor', email: 'mentor@demo.innoland.az', name: 'Fidan Nəsirova', locale: 'en' },
  { role: 'family', email: 'family@demo.abad.az', name: 'Günay Abbasova' },
  { role: 'founder', email: 'founder@demo.innoland.az', name: 'Orxan Səfərov', locale: 'en' },
  { role: 'retailer', email: 'buyer@demo.retail.az', name: 'Murad İsmayılov', locale: 'ru' },
  { role: 'shopper', email: 'shopper@demo.abad.az', name: 'Zəhra Cəfərova' },
]

export async function seedAccounts() {
  for (const account of DEMO_ACCOUNTS) {
    await makeUser({
      email: account.email,
      password: DEMO_PASSWORD,
      name: account.name,
      roles: [account.role],
      region: account.region ?? null,
      lead: account.lead ?? false,
      locale: account.locale ?? 'az',
    })
  }
}
