import type Router from '@koa/router';
import { z } from 'zod';
import { createTeam, removeTeamMember, setTeamMember, updateTeam } from '../../app/agent/teams.js';
import { listStaff } from '../../app/queries/agent-accounts.js';
import { listTeams, type TeamView } from '../../app/queries/teams.js';
import { isAppError } from '../../domain/errors.js';
import type { WebContext, WebState } from '../context.js';
import { emptyForm, errorSummary, type FormState, formFromError, selectField, textField } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { idPath, paramsInput, pathId } from '../input.js';
import { csrfField } from '../layout.js';
import { setFlash } from '../session.js';
import { checkbox } from './fields.js';
import { formBody, oneText, optionalId, ticked } from './form-body.js';
import { adminOnly, staffActor } from './guard.js';
import { agentPage } from './page.js';

const MEMBER_PATH = { id: pathId, userId: pathId };

import { seeOther } from '../redirect.js';

const teamSchema = z.object({ name: oneText, active: ticked });
const memberSchema = z.object({
  userId: optionalId('validation.assigneeRequired').pipe(z.number({ error: 'validation.assigneeRequired' })),
  lead: ticked,
});

/** The form that failed, re-rendered with what was typed: the new team's, or one team's own. */
type Failed = { form: 'create' | `team-${number}` | `member-${number}`; state: FormState } | null;

async function teamCard(
  ctx: WebContext,
  team: TeamView,
  staff: { id: number; name: string }[],
  failed: Failed,
) {
  const { t } = ctx.state;
  const csrf = await csrfField(ctx);
  const own = (key: string, values: Record<string, string>) =>
    failed?.form === key ? failed.state : emptyForm(values);
  const edit = own(`team-${team.id}`, { name: team.name, active: team.active ? '1' : '' });
  const add = own(`member-${team.id}`, {});
  const base = `/agent/admin/teams/${team.id}`;
  const outside = staff.filter((u) => !team.members.some((m) => m.userId === u.id));
  const members: SafeHtml = team.members.length
    ? html`<div class="table-wrap"><table class="data"><caption class="visually-hidden">${t('agent:teams.members')}: ${team.name}</caption>
<thead><tr><th scope="col">${t('agent:accounts.name')}</th><th scope="col">${t('agent:teams.lead')}</th><th scope="col">${t('agent:teams.actions')}</th></tr></thead><tbody>
${team.members.map(
  (
    m,
  ) => html`<tr class="${m.active ? '' : 'inactive'}"><td><a href="/agent/users/${m.userId}">${m.name}</a>${m.active ? '' : html` <em>(${t('agent:accounts.inactive')})</em>`}</td>
<td>${m.isLead ? t('agent:teams.isLead') : '—'}</td>
<td class="row-actions"><form method="post" action="${base}/members">${csrf}<input type="hidden" name="userId" value="${m.userId}">${m.isLead ? '' : html`<input type="hidden" name="lead" value="1">`}<button class="button" type="submit">${m.isLead ? t('agent:teams.unmarkLead') : t('agent:teams.markLead')}<span class="visually-hidden">: ${m.name}</span></button></form>
<form method="post" action="${base}/members/${m.userId}/remove">${csrf}<button class="button danger" type="submit">${t('agent:teams.remove')}<span class="visually-hidden">: ${m.name}</span></button></form></td></tr>`,
)}</tbody></table></div>`
    : html`<p class="empty">${t('agent:teams.noMembers')}</p>`;
  return html`<section class="card team" id="team-${team.id}" aria-labelledby="team-${team.id}-title">
<h2 id="team-${team.id}-title">${team.name}${team.active ? '' : html` <em>(${t('agent:accounts.inactive')})</em>`}</h2>
${members}
<details${failed?.form === `member-${team.id}` ? html` open` : ''}><summary>${t('agent:teams.addMember')}</summary>
<form method="post" action="${base}/members" novalidate>${csrf}${errorSummary(t, add)}
${selectField(t, add, {
  name: 'userId',
  label: t('agent:teams.agent'),
  placeholder: '—',
  options: outside.map((u) => ({ value: String(u.id), label: u.name })),
})}
${checkbox(add, 'lead', t('agent:teams.isLead'))}
<div class="actions"><button class="button primary" type="submit">${t('agent:teams.addMember')}</button></div></form></details>
<details${failed?.form === `team-${team.id}` ? html` open` : ''}><summary>${t('agent:teams.edit')}</summary>
<form method="post" action="${base}" novalidate>${csrf}${errorSummary(t, edit)}
${textField(t, edit, { name: 'name', label: t('agent:teams.name'), required: true, maxlength: 80 })}
${checkbox(edit, 'active', t('agent:teams.activeHint'))}
<div class="actions"><button class="button primary" type="submit">${t('agent:teams.save')}</button></div></form></details>
</section>`;
}

async function renderTeams(ctx: WebContext, failed: Failed = null, status = 200) {
  const { t, s } = ctx.state;
  const [teams, staff] = await Promise.all([listTeams(s.db), listStaff(s.db)]);
  const active = staff.filter((u) => u.active);
  const create = failed?.form === 'create' ? failed.state : emptyForm();
  const cards: SafeHtml[] = [];
  for (const team of teams) cards.push(await teamCard(ctx, team, active, failed));
  await agentPage(ctx, {
    title: t('agent:teams.title'),
    section: 'teams',
    status,
    body: html`<h1>${t('agent:teams.title')}</h1>
<p class="lead">${t('agent:teams.intro')} <a href="/agent/admin/routing">${t('agent:routing.title')}</a>.</p>
${teams.length ? cards : html`<p class="empty card">${t('agent:teams.empty')}</p>`}
<section class="card" aria-labelledby="new-team"><h2 id="new-team">${t('agent:teams.create')}</h2>
<form method="post" action="/agent/admin/teams" novalidate>${await csrfField(ctx)}${errorSummary(t, create)}
${textField(t, create, { name: 'name', label: t('agent:teams.name'), required: true, maxlength: 80 })}
<div class="actions"><button class="button primary" type="submit">${t('agent:teams.create')}</button></div></form></section>`,
  });
}

/** Runs an admin's change; a form the admin can fix comes back with what was typed, 422. */
async function change(
  ctx: WebContext,
  form: NonNullable<Failed>['form'],
  run: () => Promise<void>,
  anchor = '',
): Promise<void> {
  try {
    await run();
    setFlash(ctx, 'agent:flash.saved');
    seeOther(ctx, `/agent/admin/teams${anchor}`);
  } catch (err) {
    if (!isAppError(err) || !['invalid', 'conflict'].includes(err.code)) throw err;
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(
      Object.entries(body).flatMap(([k, v]) => (typeof v === 'string' && k !== '_csrf' ? [[k, v]] : [])),
    );
    await renderTeams(ctx, { form, state: formFromError(err, values) }, 422);
  }
}

/** Teams of agents (admins): create, rename, deactivate; members in and out, leads marked. */
export function mountTeams(r: Router<WebState>): void {
  r.get('/agent/admin/teams', adminOnly, (ctx) => renderTeams(ctx));
  r.post('/agent/admin/teams', adminOnly, (ctx) =>
    change(ctx, 'create', async () => {
      const v = formBody(ctx, teamSchema);
      await createTeam(ctx.state.s.app, staffActor(ctx), { name: v.name });
    }),
  );
  r.post('/agent/admin/teams/:id', adminOnly, (ctx) => {
    const id = paramsInput(ctx, idPath).id;
    return change(
      ctx,
      `team-${id}`,
      async () => {
        const v = formBody(ctx, teamSchema);
        await updateTeam(ctx.state.s.app, staffActor(ctx), id, v);
      },
      `#team-${id}`,
    );
  });
  r.post('/agent/admin/teams/:id/members', adminOnly, (ctx) => {
    const id = paramsInput(ctx, idPath).id;
    return change(
      ctx,
      `member-${id}`,
      async () => {
        const v = formBody(ctx, memberSchema);
        await setTeamMember(ctx.state.s.app, staffActor(ctx), id, {
          userId: v.userId,
          isLead: v.lead,
        });
      },
      `#team-${id}`,
    );
  });
  r.post('/agent/admin/teams/:id/members/:userId/remove', adminOnly, async (ctx) => {
    const { id, userId } = paramsInput(ctx, MEMBER_PATH);
    await removeTeamMember(ctx.state.s.app, staffActor(ctx), id, userId);
    setFlash(ctx, 'agent:flash.saved');
    seeOther(ctx, `/agent/admin/teams#team-${id}`);
  });
}
