import abadFamily from './abad-family'
import account from './account'
import admin from './admin'
import auth from './auth'
import branding from './branding'
import catalogue from './catalogue'
import common from './common'
import factory from './factory'
import programmes from './programmes'
import shop from './shop'
import training from './training'

/**
 * Every feature keeps its messages in one file here, the three languages side by side, and is
 * registered below. tests check that every key exists in every language.
 */
export type Catalogue = Record<'az' | 'en' | 'ru', Record<string, string>>

const features: Catalogue[] = [common, auth, account, admin, factory, abadFamily, training, programmes, shop, catalogue, branding]

export const catalogues: Catalogue = {
  az: Object.assign({}, ...features.map((f) => f.az)),
  en: Object.assign({}, ...features.map((f) => f.en)),
  ru: Object.assign({}, ...features.map((f) => f.ru)),
}

export const featureCatalogues = features

export type MessageKey = string
