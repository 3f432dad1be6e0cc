import type { WebUser } from './context.js';
import type { Translate } from './translate.js';

export interface NavLink {
  href: string;
  label: string;
}

/** Where a signed-in user lands: staff work the queue, customers open a ticket. */
export const homeOf = (user: WebUser): string => (user.role === 'customer' ? '/tickets/new' : '/agent');

/**
 * The header menu of a user. Staff get the agent area's sections (they do not file tickets for themselves);
 * a company manager's list is the company's, and the menu names it so, as the list's heading does.
 */
export function menuOf(user: WebUser, t: Translate): NavLink[] {
  if (user.role === 'customer')
    return [
      { href: '/tickets/new', label: t('portal:layout.newTicket') },
      {
        href: '/tickets',
        label:
          user.is_company_manager && user.company_id !== null
            ? t('portal:list.companyTitle')
            : t('portal:layout.myTickets'),
      },
    ];
  return [
    { href: '/agent', label: t('agent:nav.queue') },
    { href: '/agent/incidents', label: t('agent:nav.incidents') },
    { href: '/agent/customers', label: t('agent:nav.customers') },
    { href: '/agent/quarantine', label: t('agent:nav.quarantine') },
    { href: '/agent/canned', label: t('canned:nav') },
    { href: '/agent/reports', label: t('reports:nav') },
    ...(user.role === 'admin'
      ? [
          { href: '/agent/admin/staff', label: t('agent:nav.staff') },
          { href: '/agent/admin/import', label: t('agent:nav.import') },
          { href: '/agent/admin/teams', label: t('agent:teams.title') },
          { href: '/agent/admin/routing', label: t('agent:routing.title') },
          { href: '/agent/admin/sla', label: t('agent:nav.sla') },
          { href: '/agent/admin/mailboxes', label: t('mailboxes:nav') },
          { href: '/agent/admin/api-tokens', label: t('api:nav') },
        ]
      : []),
  ];
}
