/**
 * Catalogue constants shared by the server and the browser (the model module is server-only).
 * Category keys match the quality-control checklists of the production module.
 */
export const FOOD_CATEGORY_KEYS = ['jam', 'cheese', 'sausage', 'dried_fruit', 'tea', 'flour', 'pickles', 'beverages'] as const
export const CRAFT_CATEGORY_KEYS = ['carpets', 'woodwork', 'souvenirs'] as const
export const CATEGORY_KEYS = [...FOOD_CATEGORY_KEYS, ...CRAFT_CATEGORY_KEYS] as const
export type CategoryKey = (typeof CATEGORY_KEYS)[number]

export const PRODUCT_STATUS_KEYS = ['draft', 'submitted', 'changes_requested', 'listed', 'delisted'] as const
export type ProductStatusKey = (typeof PRODUCT_STATUS_KEYS)[number]

/** The fourteen allergens food labels must declare (EU 1169/2011, followed by AZ exporters). */
export const ALLERGEN_KEYS = ['gluten', 'milk', 'eggs', 'nuts', 'peanuts', 'sesame', 'soy', 'mustard', 'celery', 'sulphites', 'fish', 'crustaceans', 'molluscs', 'lupin'] as const
export type AllergenKey = (typeof ALLERGEN_KEYS)[number]

export const BRANDING_STATUS_KEYS = ['requested', 'in_design', 'proposed', 'changes_requested', 'approved', 'lead_approved'] as const
export type BrandingStatusKey = (typeof BRANDING_STATUS_KEYS)[number]

/** Product photos per product: enough for a gallery, few enough for a phone page. */
export const MAX_PRODUCT_IMAGES = 8
