import { z } from 'zod'

/**
 * All configuration, read and validated once. Every variable has an offline default so a new
 * machine runs everything with no keys at all; production insists on the secrets.
 */
const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    APP_URL: z.string().url().optional(),
    MONGODB_URI: z.string().optional(),
    SESSION_SECRET: z.string().min(16).optional(),
    SMTP_URL: z.string().optional(),
    MAIL_FROM: z.string().default('ABAD · INNOLAND <no-reply@abad.local>'),
    STRIPE_SECRET_KEY: z.string().optional(),
    STRIPE_WEBHOOK_SECRET: z.string().optional(),
    // cloudinary://<api_key>:<api_secret>@<cloud_name>, as the Cloudinary console gives it; empty means the local image folder
    CLOUDINARY_URL: z
      .string()
      .regex(/^$|^cloudinary:\/\/[^:@/]+:[^@/]+@[\w-]+/, 'CLOUDINARY_URL must look like cloudinary://<api_key>:<api_secret>@<cloud_name>')
      .optional(),
    DATA_DIR: z.string().default('.data'),
    UPLOAD_MAX_MB: z.coerce.number().positive().default(10),
    LOGIN_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
    LOGIN_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
    /** working days (Mon–Fri) from submission to a decision on an ABAD application */
    APPLICATION_DECISION_DAYS: z.coerce.number().int().positive().default(10),
    /** working days from a support-service request to its close */
    SERVICE_TARGET_DAYS: z.coerce.number().int().positive().default(5),
    /** factory fair use: this many no-shows within 30 days suspend new shift bookings … */
    FACTORY_NO_SHOW_LIMIT: z.coerce.number().int().positive().default(3),
    /** … for this many days (with a mail to the family) */
    FACTORY_SUSPENSION_DAYS: z.coerce.number().int().positive().default(14),
    /** how often the server sends shift reminders and applies lot expiry; 0 turns the scheduler off */
    FACTORY_JOBS_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(15),
    /** boutique: minutes an unpaid (online) order holds its stock before it returns to sale */
    RESERVATION_MINUTES: z.coerce.number().int().positive().default(30),
    /** how often the server looks for unpaid orders past their hold; 0 leaves it to the pages' lazy sweep */
    RESERVATION_SWEEP_SECONDS: z.coerce.number().int().min(0).default(60),
    /** boutique: courier delivery within Baku, in qəpik, and the order value from which it is free (0: never free) */
    COURIER_FEE: z.coerce.number().int().min(0).default(500),
    FREE_COURIER_FROM: z.coerce.number().int().min(0).default(6000),
    /** tests only: send Stripe API calls to a local HTTP server instead of api.stripe.com */
    STRIPE_API_HOST: z.string().optional(),
    STRIPE_API_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    STRIPE_API_PROTOCOL: z.enum(['http', 'https']).optional(),
    /** 1: expose /bench/bare, the framework's ceiling for `npm run bench:shop` */
    BENCH: z.enum(['0', '1']).default('0'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message: 'SESSION_SECRET (at least 16 characters) is required in production',
      })
    }
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_WEBHOOK_SECRET'], message: 'STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY' })
    }
  })

export type Env = z.infer<typeof EnvSchema>

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source)
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return result.data
}

let cached: Env | undefined
export function getEnv(): Env {
  cached ??= parseEnv(process.env)
  return cached
}

/** Outside production a fixed development secret keeps sessions valid across restarts. */
export function sessionSecret() {
  return getEnv().SESSION_SECRET ?? 'dev-only-secret-not-for-production'
}
