import { z } from 'zod'
import { passwordProblem } from '#models/user-rules'

/** A new password typed twice, with the platform's strength rule (reset and accepting an invitation). */
export const NewPasswordSchema = z
  .object({
    password: z
      .string()
      .max(200, 'form.tooLong')
      .superRefine((value, ctx) => {
        const problem = passwordProblem(value)
        if (problem) ctx.addIssue({ code: 'custom', message: problem })
      }),
    confirm: z.string().max(200, 'form.tooLong'),
  })
  .refine((form) => form.password === form.confirm, { path: ['confirm'], message: 'reset.mismatch' })
