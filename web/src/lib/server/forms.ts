/**
 * Reading and checking a posted form. Each reader records the raw value (to refill the form)
 * and at most one error per field; `invalid()` turns the errors into `fail(400, { fieldErrors })`.
 */
import { fail } from '@sveltejs/kit';

export type FieldErrors = Record<string, string>;

interface TextOpts {
  required?: boolean;
  max?: number;
  label?: string;
}

export class FormReader {
  readonly errors: FieldErrors = {};
  readonly values: Record<string, string> = {};

  constructor(private readonly data: FormData) {}

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  error(name: string, message: string): void {
    this.errors[name] ??= message;
  }

  raw(name: string): string {
    const v = this.data.get(name);
    const s = typeof v === 'string' ? v : '';
    this.values[name] = s;
    return s;
  }

  /** Trimmed text, null when empty. */
  text(name: string, { required = false, max = 2000, label = 'This field' }: TextOpts = {}): string | null {
    const s = this.raw(name).trim();
    if (!s) {
      if (required) this.error(name, `${label} is required.`);
      return null;
    }
    if (s.length > max) this.error(name, `${label} must be at most ${max} characters.`);
    return s;
  }

  int(name: string, { min, max, required = false, label = 'This field' }: { min: number; max: number; required?: boolean; label?: string }): number | null {
    const s = this.raw(name).trim();
    if (!s) {
      if (required) this.error(name, `${label} is required.`);
      return null;
    }
    const n = Number(s);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.error(name, `${label} must be a whole number from ${min} to ${max}.`);
      return null;
    }
    return n;
  }

  decimal(name: string, { min, max, label = 'This field' }: { min: number; max: number; label?: string }): number | null {
    const s = this.raw(name).trim();
    const n = Number(s);
    if (!s || !Number.isFinite(n) || n < min || n > max) {
      this.error(name, `${label} must be a number from ${min} to ${max}.`);
      return null;
    }
    return n;
  }

  oneOf<T extends string>(name: string, options: readonly T[], label = 'This field'): T | null {
    const s = this.raw(name).trim();
    if (!(options as readonly string[]).includes(s)) {
      this.error(name, `${label} must be one of: ${options.join(', ')}.`);
      return null;
    }
    return s as T;
  }

  email(name: string, label = 'Email'): string | null {
    const s = this.text(name, { max: 254, label })?.toLowerCase() ?? null;
    if (s && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s)) this.error(name, `${label} must look like name@example.com.`);
    return s;
  }

  /** A phone number in E.164 (+ and country code); spaces, dashes and brackets are dropped. */
  phone(name: string, { required = false, label = 'Phone' } = {}): string | null {
    const s = this.text(name, { required, max: 32, label })?.replace(/[\s().-]/g, '') ?? null;
    if (s && !/^\+[1-9][0-9]{6,14}$/.test(s)) this.error(name, `${label} must be in international format, like +14155550123.`);
    return s;
  }

  /** A `datetime-local` value, `YYYY-MM-DDTHH:MM`. */
  dateTimeLocal(name: string, label = 'Time'): string | null {
    const s = this.raw(name).trim();
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(s) || Number.isNaN(Date.parse(s))) {
      this.error(name, `${label} must be a date and time.`);
      return null;
    }
    return s;
  }

  checkbox(name: string): boolean {
    const s = this.raw(name);
    return s === 'on' || s === 'true' || s === '1';
  }

  /** A comma-separated list, trimmed, without empties or repeats. */
  list(name: string, { max = 20, itemMax = 40, label = 'This list' } = {}): string[] {
    const items = [...new Set(this.raw(name).split(',').map((s) => s.trim()).filter(Boolean))];
    if (items.length > max) this.error(name, `${label} may have at most ${max} entries.`);
    if (items.some((i) => i.length > itemMax)) this.error(name, `Each entry must be at most ${itemMax} characters.`);
    return items;
  }
}

/** The 400 answer of a form with errors (the page shows each field's message). */
export function invalid(form: FormReader, extra: Record<string, unknown> = {}) {
  return fail(400, { fieldErrors: form.errors, values: form.values, ...extra });
}
