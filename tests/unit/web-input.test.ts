import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import type { WebContext } from '../../src/web/context.js';
import { formError } from '../../src/web/form-error.js';
import {
  flag,
  formInput,
  oneOf,
  optionalId,
  optionalOneOf,
  paramsInput,
  pathId,
  queryChoice,
  queryInput,
  queryInt,
  text,
} from '../../src/web/input.js';

class HttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

const request = (o: { body?: Record<string, unknown>; params?: Record<string, string>; query?: object }) =>
  ({
    request: { body: o.body ?? {} },
    params: o.params ?? {},
    query: o.query ?? {},
    throw: (status: number) => {
      throw new HttpError(status);
    },
  }) as unknown as WebContext;

const caught = (f: () => unknown): unknown => {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('nothing thrown');
};

const FORM = {
  name: text,
  active: flag,
  role: optionalOneOf(['agent', 'admin'], 'agent:validation.roleInvalid'),
  kind: oneOf(['customers', 'users'], 'agent:import.kindRequired'),
  assigneeId: optionalId('validation.assigneeInvalid'),
};

describe('the web input edge', () => {
  it('types a valid form: text kept as typed, a checkbox as a boolean, empty optional fields absent', () => {
    const ctx = request({ body: { name: ' Ana ', active: '1', role: '', kind: ['users', 'customers'] } });
    expect(formInput(ctx, FORM)).toEqual({
      name: ' Ana ',
      active: true,
      role: undefined,
      kind: 'users',
      assigneeId: null,
    });
  });

  it('refuses a form field that is not one of its values, with the field message key, never a cast', () => {
    const ctx = request({ body: { role: 'customer', kind: 'tickets', assigneeId: '12abc' } });
    const err = caught(() => formInput(ctx, FORM));
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid');
    expect((err as AppError).fields).toEqual({
      role: 'agent:validation.roleInvalid',
      kind: 'agent:import.kindRequired',
      assigneeId: 'validation.assigneeInvalid',
    });
  });

  it('answers a path id that is not one with 404, and a malformed query with 400 unless it falls back', () => {
    expect(paramsInput(request({ params: { id: '42' } }), { id: pathId })).toEqual({ id: 42 });
    for (const id of ['0', '-1', '1e3', '99999999999999999', 'abc'])
      expect((caught(() => paramsInput(request({ params: { id } }), { id: pathId })) as AppError).code).toBe(
        'not_found',
      );
    expect(
      (caught(() => queryInput(request({ query: { q: ['a', 'b'] } }), { q: text })) as HttpError).status,
    ).toBe(400);
    const fallback = { tab: queryChoice(['main', 'password'], 'main'), page: queryInt };
    expect(queryInput(request({ query: { tab: 'nope', page: 'x' } }), fallback)).toEqual({
      tab: 'main',
      page: null,
    });
    expect(queryInput(request({ query: { tab: 'password', page: '3' } }), fallback)).toEqual({
      tab: 'password',
      page: 3,
    });
  });

  it('maps form failures to the one status table and rethrows the rest', () => {
    const values = { body: 'typed text' };
    const tooLarge = formError(new AppError('too_large', 'validation.attachmentTooLarge'), values);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.form.values).toEqual(values);
    expect(formError(new AppError('invalid', 'validation.fixFields'), values).status).toBe(422);
    expect(formError(new AppError('conflict', 'validation.emailTaken'), values).status).toBe(409);
    expect(
      formError(new AppError('unauthorized', 'portal:login.failed'), values, ['unauthorized']).status,
    ).toBe(401);
    const notFound = new AppError('not_found', 'errors.ticketNotFound');
    expect(caught(() => formError(notFound, values))).toBe(notFound);
    const conflict = new AppError('conflict', 'validation.emailTaken');
    expect(caught(() => formError(conflict, values, ['invalid']))).toBe(conflict);
    const bug = new TypeError('bug');
    expect(caught(() => formError(bug, values))).toBe(bug);
  });
});
