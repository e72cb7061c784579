import { boot } from './lib/boot'

await boot('production')
