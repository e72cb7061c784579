import { pathToFileURL } from 'node:url'
import { UserModel } from '#models/user.server'
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedAccounts } from './seed/accounts'
import { seedApplications } from './seed/applications'
import { seedCatalogue } from './seed/catalogue'
import { seedFactory } from './seed/factory'
import { seedShop } from './seed/shop'
import { seedTraining } from './seed/training'

export { DEMO_PASSWORD }
export const DEMO_LOGINS = Object.fromEntries(DEMO_ACCOUNTS.map((account) => [account.lead ? `${account.role} (lead)` : account.role, account.email]))

/** Each domain adds its demo data as one step, in dependency order. */
const steps: { name: string; run: () => Promise<void> }[] = [
  { name: 'accounts', run: seedAccounts },
  // before training and factories: they build on the accepted demo families
  { name: 'applications', run: seedApplications },
  { name: 'training', run: seedTraining },
  { name: 'catalogue', run: seedCatalogue },
  // after the catalogue (its food products get batches and lots), before the shop (which sells them)
  { name: 'factory', run: seedFactory },
  // last: the boutique sells what the catalogue listed, from the lots the factories made
  { name: 'shop', run: seedShop },
]

export async function seedDemo() {
  for (const step of steps) {
    const started = Date.now()
    await step.run()
    console.log(`  seeded ${step.name} in ${Date.now() - started} ms`)
  }
}

/** Seeds only a new database, so restarting `npm run dev` keeps what the user did. */
export async function seedIfEmpty() {
  if (await UserModel.exists({})) return false
  await seedDemo()
  return true
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { connectDb, disconnectDb } = await import('#models/db.server')
  await connectDb()
  const seeded = await seedIfEmpty()
  console.log(seeded ? 'Demo data seeded.' : 'The database already has data; nothing seeded.')
  await disconnectDb()
}
