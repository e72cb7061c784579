import { z } from 'zod'

/**
 * The questions of an ABAD family application: step ids, choices and one zod schema per step.
 * Plain constants (no database) so the form page can render the same choices the server checks.
 */
export const ABAD_REGIONS = ['Guba', 'Balakan', 'Sheki', 'Gabala', 'Lankaran', 'Shamakhi', 'Ganja', 'Baku', 'Other'] as const
export const ABAD_RELATIONS = ['self', 'spouse', 'child', 'parent', 'sibling', 'other'] as const
export const ABAD_FOOD_PRODUCTS = ['jam', 'cheese', 'sausage', 'dried_fruit', 'tea', 'flour', 'pickles', 'beverages', 'honey'] as const
export const ABAD_CRAFT_PRODUCTS = ['carpets', 'woodwork', 'souvenirs', 'pottery', 'textiles'] as const
export const ABAD_PRODUCTS = [...ABAD_FOOD_PRODUCTS, ...ABAD_CRAFT_PRODUCTS] as const
export const ABAD_NEEDS = ['training', 'factory', 'branding', 'business_plan', 'accounting', 'legal', 'sales'] as const
export const ABAD_STEPS = ['household', 'business', 'needs', 'documents', 'review'] as const
export type AbadStep = (typeof ABAD_STEPS)[number]
/** The steps whose answers are a form (documents are uploads, review is the summary). */
export const ABAD_ANSWER_STEPS = ['household', 'business', 'needs'] as const
export type AbadAnswerStep = (typeof ABAD_ANSWER_STEPS)[number]

export const ABAD_DOCUMENT_SLOTS = [
  { id: 'identity', min: 1, max: 3, types: ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] },
  { id: 'product_photo', min: 0, max: 6, types: ['image/jpeg', 'image/png', 'image/webp'] },
] as const
export const ABAD_CHECKLIST = ['documents_verified', 'site_visit_done', 'interview_held'] as const
export const ABAD_APPOINTMENT_KINDS = ['interview', 'site_visit'] as const
export const MAX_MEMBERS = 12

const text = (max: number) => z.string().trim().max(max, 'form.tooLong')
const yes = z.preprocess((value) => value === 'on' || value === 'true' || value === 'yes' || value === true, z.boolean())

const MemberSchema = z.object({
  name: text(120).min(2, 'form.tooShort'),
  relation: z.enum(ABAD_RELATIONS, { message: 'form.required' }),
  birthYear: z.preprocess(
    (value) => (value === '' || value == null ? undefined : value),
    z.coerce.number({ message: 'form.invalidNumber' }).int('form.invalidNumber').min(1920, 'form.invalidValue').max(new Date().getFullYear(), 'form.invalidValue').optional(),
  ),
})

export const HouseholdSchema = z
  .object({
    members: z.array(MemberSchema).min(1, 'application.error.noMembers').max(MAX_MEMBERS),
    leadIndex: z.coerce.number({ message: 'application.error.chooseLead' }).int().min(0, 'application.error.chooseLead'),
    womenLed: yes,
    region: z.enum(ABAD_REGIONS, { message: 'form.required' }),
    village: text(120).min(2, 'form.required'),
    address: text(300).min(5, 'form.tooShort'),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[\d\s()-]{7,20}$/, 'application.error.phone'),
  })
  .superRefine((value, ctx) => {
    if (value.leadIndex >= value.members.length) ctx.addIssue({ code: 'custom', path: ['leadIndex'], message: 'application.error.chooseLead' })
  })

export const BusinessSchema = z
  .object({
    category: z.enum(['food', 'craft'], { message: 'form.required' }),
    products: z.array(z.enum(ABAD_PRODUCTS)).min(1, 'application.error.chooseProduct'),
    productsOther: text(200).default(''),
    idea: text(2000).min(20, 'form.tooShort'),
    currentOutput: text(300).min(2, 'form.required'),
    experienceYears: z.coerce.number({ message: 'form.invalidNumber' }).int('form.invalidNumber').min(0, 'form.tooSmall').max(80, 'form.tooBig'),
  })
  .superRefine((value, ctx) => {
    const allowed: readonly string[] = value.category === 'food' ? ABAD_FOOD_PRODUCTS : ABAD_CRAFT_PRODUCTS
    if (value.products.some((product) => !allowed.includes(product))) {
      ctx.addIssue({ code: 'custom', path: ['products'], message: 'application.error.productCategory' })
    }
  })

export const NeedsSchema = z.object({
  needs: z.array(z.enum(ABAD_NEEDS)).min(1, 'application.error.chooseNeed'),
  note: text(1000).default(''),
})

export const ABAD_STEP_SCHEMAS = { household: HouseholdSchema, business: BusinessSchema, needs: NeedsSchema } as const

export type Household = z.output<typeof HouseholdSchema>
export type Business = z.output<typeof BusinessSchema>
export type Needs = z.output<typeof NeedsSchema>
export type AbadAnswers = Partial<{ household: Household; business: Business; needs: Needs }>

/**
 * A step's form as the schema's input: member rows (`members.0.name`) become an array, empty rows
 * are dropped (the page always offers blank rows), checkbox groups are always arrays.
 */
export function abadStepInput(step: AbadAnswerStep, form: Record<string, unknown>) {
  const str = (value: unknown) => (typeof value === 'string' ? value : '')
  const list = (value: unknown) => (Array.isArray(value) ? value.map(str) : value == null || value === '' ? [] : [str(value)])
  switch (step) {
    case 'household': {
      const members: { name: string; relation: string; birthYear: string; row: number }[] = []
      for (let row = 0; row < MAX_MEMBERS + 4; row++) {
        const name = str(form[`members.${row}.name`]).trim()
        const relation = str(form[`members.${row}.relation`])
        const birthYear = str(form[`members.${row}.birthYear`]).trim()
        if (name || birthYear) members.push({ name, relation, birthYear, row })
      }
      // the lead radio names a row on the page; its index in the kept rows is what is stored
      const leadRow = str(form.leadIndex)
      const leadIndex = leadRow === '' ? '' : String(members.findIndex((member) => String(member.row) === leadRow))
      return {
        members: members.map(({ row: _row, ...member }) => member),
        leadIndex,
        womenLed: str(form.womenLed),
        region: str(form.region),
        village: str(form.village),
        address: str(form.address),
        phone: str(form.phone),
      }
    }
    case 'business':
      return {
        category: str(form.category),
        products: list(form.products),
        productsOther: str(form.productsOther),
        idea: str(form.idea),
        currentOutput: str(form.currentOutput),
        experienceYears: str(form.experienceYears),
      }
    case 'needs':
      return { needs: list(form.needs), note: str(form.note) }
  }
}

export function isAbadStep(value: unknown): value is AbadStep {
  return typeof value === 'string' && (ABAD_STEPS as readonly string[]).includes(value)
}
