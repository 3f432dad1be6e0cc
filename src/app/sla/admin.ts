import { z } from 'zod';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import { oneLine } from '../../domain/single-line.js';
import type { OpeningSpan } from '../../domain/sla-clock.js';
import { knownHolidayPlace } from '../../domain/sla-holidays.js';
import type { Actor } from '../../domain/ticket-status.js';
import { requireAdmin } from '../agent/guards.js';
import { recordAudit } from '../audit.js';
import type { AppContext } from '../context.js';

/** A calendar as the admin form sends it: one text of opening spans per ISO weekday ("09:00-14:00, 16:00-19:00"). */
export interface CalendarInput {
  name: string;
  timeZone: string;
  alwaysOpen: boolean;
  hours: Partial<Record<number, string>>;
  holidayCountry: string;
  holidayRegion: string;
  /** Extra closed days, 'YYYY-MM-DD', one per line or separated by commas. */
  extraDays: string;
}

export interface PolicyInput {
  name: string;
  type: string;
  urgency: string;
  category: string;
  companyId: string;
  serviceId: string;
  calendarId: string;
  firstAnswerMinutes: string;
  resolutionMinutes: string;
  warnPercent: string;
  active: boolean;
}

const invalid = (fields: FieldErrors) => new AppError('invalid', 'validation.fixFields', { fields });

const hhmm = z.string().regex(/^([01]?\d|2[0-4]):([0-5]\d)$/);
const minuteOf = (s: string) => {
  const [h, m] = s.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** "09:00-14:00, 16:00-19:00" → [[540, 840], [960, 1140]]; null when it does not read as sorted spans. */
export function parseSpans(text: string): OpeningSpan[] | null {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const spans: [number, number][] = [];
  for (const p of parts) {
    const [a, b, extra] = p.split('-').map((x) => x.trim());
    if (extra !== undefined || !hhmm.safeParse(a).success || !hhmm.safeParse(b).success) return null;
    const from = minuteOf(a as string);
    const to = minuteOf(b as string);
    if (to <= from || to > 1440 || (spans.at(-1)?.[1] ?? -1) > from) return null;
    spans.push([from, to]);
  }
  return spans;
}

export const spansText = (spans: readonly OpeningSpan[] | undefined): string =>
  (spans ?? [])
    .map(([a, b]) =>
      [a, b]
        .map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`)
        .join('-'),
    )
    .join(', ');

const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
};

const isoDay = z.iso.date();

function checkCalendar(input: CalendarInput) {
  const fields: FieldErrors = {};
  const name = oneLine(input.name);
  if (!name) fields.name = 'validation.nameRequired';
  else if (name.length > 100) fields.name = 'agent:validation.tooLong';
  const timeZone = input.timeZone.trim();
  if (!validZone(timeZone)) fields.timeZone = 'agent:slaAdmin.badTimeZone';
  const hours: Record<string, OpeningSpan[]> = {};
  for (let d = 1; d <= 7; d++) {
    const spans = parseSpans(input.hours[d] ?? '');
    if (!spans) fields[`hours${d}`] = 'agent:slaAdmin.badHours';
    else if (spans.length) hours[d] = spans;
  }
  if (!input.alwaysOpen && !Object.keys(hours).length && !fields.hours1)
    fields.hours1 = 'agent:slaAdmin.noHours';
  const country = input.holidayCountry.trim().toUpperCase() || null;
  const region = input.holidayRegion.trim().toUpperCase() || null;
  if ((country && !knownHolidayPlace(country, region)) || (!country && region))
    fields.holidayRegion = 'agent:slaAdmin.badPlace';
  const days = input.extraDays.split(/[\s,]+/).filter(Boolean);
  if (days.some((d) => !isoDay.safeParse(d).success)) fields.extraDays = 'agent:slaAdmin.badDays';
  if (Object.keys(fields).length) throw invalid(fields);
  return {
    name,
    time_zone: timeZone,
    always_open: input.alwaysOpen,
    hours: JSON.stringify(hours),
    holiday_country: country,
    holiday_region: country ? region : null,
    extra_closed_days: JSON.stringify([...new Set(days)].sort()),
  };
}

const nameTaken = () =>
  new AppError('conflict', 'agent:slaAdmin.nameTaken', { fields: { name: 'agent:slaAdmin.nameTaken' } });

export async function saveCalendar(
  ctx: AppContext,
  actor: Actor,
  id: number | null,
  input: CalendarInput,
): Promise<number> {
  requireAdmin(actor);
  const row = checkCalendar(input);
  return ctx.db.transaction(async (trx) => {
    const clash = await trx('sla_calendars')
      .where({ name: row.name })
      .modify((q) => {
        if (id !== null) q.whereNot({ id });
      })
      .first('id');
    if (clash) throw nameTaken();
    const saved = id ?? ((await trx('sla_calendars').insert(row).returning('id'))[0].id as number);
    if (
      id !== null &&
      !(await trx('sla_calendars')
        .where({ id })
        .update({ ...row, updated_at: new Date() }))
    )
      throw new AppError('not_found', 'portal:errors.pageNotFound');
    await recordAudit(trx, {
      actor,
      action: id === null ? 'sla_calendar.create' : 'sla_calendar.update',
      target: { type: 'sla_calendar', id: saved },
      details: { name: row.name },
    });
    return saved;
  });
}

const optionalId = z.union([z.literal(''), z.coerce.number().int().positive()]);
const minutes = z.coerce.number().int().min(1).max(525_600);

export async function savePolicy(
  ctx: AppContext,
  actor: Actor,
  id: number | null,
  input: PolicyInput,
): Promise<number> {
  requireAdmin(actor);
  const fields: FieldErrors = {};
  const name = oneLine(input.name);
  if (!name) fields.name = 'validation.nameRequired';
  else if (name.length > 100) fields.name = 'agent:validation.tooLong';
  const type = ctx.catalog.types[input.type];
  if (!type) fields.type = 'validation.typeRequired';
  if (input.urgency && !type?.urgencies.includes(input.urgency)) fields.urgency = 'agent:slaAdmin.badChoice';
  if (input.category && !type?.categories.includes(input.category))
    fields.category = 'agent:slaAdmin.badChoice';
  const company = optionalId.safeParse(input.companyId);
  const service = optionalId.safeParse(input.serviceId);
  const calendar = z.coerce.number().int().positive().safeParse(input.calendarId);
  const first = minutes.safeParse(input.firstAnswerMinutes);
  const resolution = minutes.safeParse(input.resolutionMinutes);
  const warn = z.coerce.number().int().min(1).max(99).safeParse(input.warnPercent);
  if (!company.success) fields.companyId = 'agent:slaAdmin.badChoice';
  if (!service.success) fields.serviceId = 'agent:slaAdmin.badChoice';
  if (!calendar.success) fields.calendarId = 'agent:slaAdmin.badChoice';
  if (!first.success) fields.firstAnswerMinutes = 'agent:slaAdmin.badMinutes';
  if (!resolution.success) fields.resolutionMinutes = 'agent:slaAdmin.badMinutes';
  if (!warn.success) fields.warnPercent = 'agent:slaAdmin.badPercent';
  if (Object.keys(fields).length) throw invalid(fields);
  const row = {
    name,
    type: input.type,
    urgency: input.urgency || null,
    category: input.category || null,
    company_id: company.data || null,
    service_id: service.data || null,
    calendar_id: calendar.data as number,
    first_answer_minutes: first.data as number,
    resolution_minutes: resolution.data as number,
    warn_percent: warn.data as number,
    active: input.active,
  };
  return ctx.db.transaction(async (trx) => {
    const refs: FieldErrors = {};
    if (!(await trx('sla_calendars').where({ id: row.calendar_id }).first('id')))
      refs.calendarId = 'agent:slaAdmin.badChoice';
    if (row.company_id && !(await trx('companies').where({ id: row.company_id }).first('id')))
      refs.companyId = 'agent:slaAdmin.badChoice';
    if (row.service_id && !(await trx('services').where({ id: row.service_id }).first('id')))
      refs.serviceId = 'agent:slaAdmin.badChoice';
    if (Object.keys(refs).length) throw invalid(refs);
    const clash = await trx('sla_policies')
      .where({ name })
      .modify((q) => {
        if (id !== null) q.whereNot({ id });
      })
      .first('id');
    if (clash) throw nameTaken();
    const saved = id ?? ((await trx('sla_policies').insert(row).returning('id'))[0].id as number);
    if (
      id !== null &&
      !(await trx('sla_policies')
        .where({ id })
        .update({ ...row, updated_at: new Date() }))
    )
      throw new AppError('not_found', 'portal:errors.pageNotFound');
    await recordAudit(trx, {
      actor,
      action: id === null ? 'sla_policy.create' : 'sla_policy.update',
      target: { type: 'sla_policy', id: saved },
      details: { name, active: row.active },
    });
    return saved;
  });
}
