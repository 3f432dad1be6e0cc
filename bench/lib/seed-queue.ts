import type { Db } from '../../src/db/db.js';

/**
 * A helpdesk of `tickets` tickets (and as many follow-ups) for the queue benchmark: 2,000 customer companies
 * with 3 connections and 5 people each, 30 agents, three years of tickets, 95 % of them closed. Texts are
 * Spanish, English and French support phrases over a vocabulary with a skewed (Zipf-like) word frequency,
 * plus each connection's circuit id, so searches hit realistic numbers of tickets.
 * Deterministic (setseed). Built in bulk: triggers off, indexes rebuilt after.
 */
const WORDS = [
  // frequent words first: the draw favours the start of the list
  'la',
  'de',
  'el',
  'the',
  'le',
  'conexión',
  'internet',
  'línea',
  'router',
  'fibra',
  'servicio',
  'connection',
  'service',
  'ligne',
  'réseau',
  'problema',
  'problem',
  'problème',
  'desde',
  'since',
  'depuis',
  'corte',
  'cortes',
  'outage',
  'coupure',
  'lenta',
  'slow',
  'lent',
  'velocidad',
  'speed',
  'débit',
  'oficina',
  'office',
  'bureau',
  'cliente',
  'customer',
  'client',
  'factura',
  'invoice',
  'facture',
  'señal',
  'signal',
  'wifi',
  'teléfono',
  'phone',
  'téléphone',
  'mañana',
  'morning',
  'matin',
  'tarde',
  'afternoon',
  'après-midi',
  'noche',
  'night',
  'nuit',
  'ayer',
  'yesterday',
  'hier',
  'hoy',
  'today',
  "aujourd'hui",
  'ont',
  'luz',
  'light',
  'voyant',
  'rojo',
  'red',
  'rouge',
  'parpadea',
  'blinking',
  'clignote',
  'reinicio',
  'restart',
  'redémarrage',
  'cable',
  'câble',
  'antena',
  'antenna',
  'antenne',
  'pérdida',
  'loss',
  'perte',
  'paquetes',
  'packets',
  'paquets',
  'latencia',
  'latency',
  'latence',
  'caída',
  'down',
  'panne',
  'intermitente',
  'intermittent',
  'instalación',
  'installation',
  'técnico',
  'technician',
  'technicien',
  'visita',
  'visit',
  'visite',
  'avería',
  'fault',
  'dérangement',
  'módem',
  'modem',
  'centralita',
  'pbx',
  'standard',
  'vpn',
  'ip',
  'fija',
  'static',
  'fixe',
  'dns',
  'correo',
  'email',
  'courriel',
  'cobro',
  'charge',
  'prélèvement',
  'duplicado',
  'duplicate',
  'doublon',
  'contrato',
  'contract',
  'contrat',
  'baja',
  'cancellation',
  'résiliation',
  'alta',
  'upgrade',
  'migración',
  'migration',
  'portabilidad',
  'porting',
  'portabilité',
  'nave',
  'warehouse',
  'entrepôt',
  'sede',
  'headquarters',
  'siège',
  'tienda',
  'shop',
  'magasin',
  'almacén',
  'radioenlace',
  'radio',
  'backup',
  'respaldo',
  'secours',
  'switch',
  'commutateur',
  'puerto',
  'port',
  'configuración',
  'configuration',
  'firewall',
  'cortafuegos',
  'pare-feu',
  'ancho',
  'banda',
  'bandwidth',
  'bande',
  'passante',
  'jitter',
  'gigue',
  'videoconferencia',
  'videoconference',
  'visioconférence',
  'voip',
  'llamadas',
  'calls',
  'appels',
  'cortadas',
  'dropped',
  'coupés',
  'tormenta',
  'storm',
  'orage',
  'obras',
  'roadworks',
  'travaux',
  'excavadora',
  'excavator',
  'pelleteuse',
  'empalme',
  'splice',
  'épissure',
  'atenuación',
  'attenuation',
  'atténuation',
  'óptica',
  'optical',
  'optique',
  'potencia',
  'power',
  'puissance',
];

export interface SeedFigures {
  tickets: number;
  followups: number;
  seconds: number;
}

export async function seedQueue(db: Db, tickets: number): Promise<SeedFigures> {
  const started = Date.now();
  await db.raw('select setseed(0.42)');
  await db.raw("set session_replication_role = 'replica'"); // bulk load: no per-row triggers
  await db.raw(`insert into companies (name, code)
    select 'Empresa ' || g || ' ' || (array['S.L.','S.A.','SARL','Ltd','Coop.'])[1 + g % 5], 'C' || g
    from generate_series(1, 2000) g`);
  await db.raw(`insert into services (company_id, name, circuit_id, address)
    select c.id, (array['Fibra 1 Gbps','Fibra 600 Mbps','Radioenlace respaldo'])[k], 'FTTH-' || (10000 + c.id * 3 + k),
           'Calle ' || c.id || ', ' || k
    from companies c cross join generate_series(1, 3) k`);
  await db.raw(`insert into users (email, name, role, company_id, password_hash, must_change_password)
    select 'user' || c.id || '-' || k || '@example.test',
           (array['Lucía','Jean','Mary','Íñigo','Zoé','Pedro','Amélie','John'])[1 + (c.id + k) % 8] || ' ' ||
           (array['Martín','Dupont','Smith','Zubizarreta','Lefèvre','García','Moreau','Brown'])[1 + (c.id * k) % 8] || ' ' || c.id,
           'customer', c.id, null, false
    from companies c cross join generate_series(1, 5) k`);
  await db.raw(`insert into users (email, name, role, password_hash, must_change_password)
    select 'agent' || g || '@izarlink.test', 'Agente ' || g, 'agent', null, false from generate_series(1, 30) g`);

  const words = `array[${WORDS.map((w) => `'${w.replace(/'/g, "''")}'`).join(',')}]::text[]`;
  // Per-ticket phrases: a correlated generate_series makes Postgres draw new words for every row.
  const phrase = (n: string) =>
    `(select string_agg(w.a[1 + floor(power(random(), 2.2) * array_length(w.a, 1))::int], ' ')
        from generate_series(1, ${n}) x, (select ${words} as a) w)`;
  await db.raw(`create temp table seed as
    select g,
           u.id as requester_id, u.company_id,
           (select id from services s where s.company_id = u.company_id order by id limit 1 offset (g % 3)) as service_id,
           case when random() < 0.95 then 'closed'
                else (array['new','in_progress','pending','resolved'])[1 + floor(random() * 4)::int] end as status,
           case when g % 4 = 0 then 'request' else 'incident' end as type,
           now() - (random() * interval '1095 days') as created_at,
           ${phrase('3 + g % 4')} as title,
           ${phrase('12 + g % 14')} as description,
           ${phrase('8 + g % 10')} as followup
    from generate_series(1, ${tickets}) g
    join users u on u.role = 'customer' and u.id = (select min(id) from users where role = 'customer') + ((g::bigint * 7919) % 10000)::int`);
  // The long tail real text has: the connection's circuit id, an equipment serial now and then.
  await db.raw(`update seed set description = description || ' ' || s.circuit_id ||
      case when g % 5 = 0 then ' serie SN' || (g * 7) % 200000 else '' end
    from services s where s.id = seed.service_id`);

  const indexes: { indexdef: string; indexname: string }[] = (
    await db.raw(`select indexname, indexdef from pg_indexes
      where tablename in ('tickets', 'followups') and indexname not like '%_pkey'`)
  ).rows;
  for (const i of indexes) await db.raw(`drop index ${i.indexname}`);
  // search: the same vector the triggers keep (ticket text, customer and company names, follow-ups).
  await db.raw(`insert into tickets (id, type, category, service_id, urgency, priority, title, description, status,
      requester_id, company_id, assignee_id, source, created_at, updated_at, resolved_at, closed_at, search)
    select s.g, s.type,
           case when s.type = 'incident'
                then (array['total_outage','slowness','packet_loss','performance'])[1 + s.g % 4]
                else (array['technical','administrative.billing','administrative.information',
                            'administrative.modification'])[1 + s.g % 4] end,
           s.service_id,
           case when s.type = 'incident' then (case when s.g % 3 = 0 then 'high' else 'medium' end) end,
           case when s.type = 'incident' then (case when s.g % 3 = 0 then 2 else 3 end) else 4 end,
           initcap(s.title), s.description, s.status, s.requester_id, s.company_id,
           case when s.status = 'new' then null else (select min(id) from users where role = 'agent') + s.g % 30 end,
           case when s.g % 2 = 0 then 'email' else 'web' end,
           s.created_at, s.created_at + interval '2 days',
           case when s.status in ('resolved','closed') then s.created_at + interval '1 day' end,
           case when s.status = 'closed' then s.created_at + interval '2 days' end,
           izd_tsv(concat_ws(' ', s.title, s.description, u.name, c.name, s.followup))
    from seed s join users u on u.id = s.requester_id join companies c on c.id = s.company_id`);
  await db.raw(`insert into followups (ticket_id, author_id, kind, visibility, body, source, created_at)
    select g, requester_id, 'comment', case when g % 10 = 0 then 'private' else 'public' end, followup, 'web',
           created_at + interval '1 hour'
    from seed`);
  await db.raw(`select setval(pg_get_serial_sequence('tickets', 'id'), (select max(id) from tickets))`);
  await db.raw("set session_replication_role = 'origin'");
  await db.raw("set maintenance_work_mem = '512MB'");
  for (const i of indexes) await db.raw(i.indexdef);
  await db.raw('vacuum analyze tickets');
  await db.raw('vacuum analyze followups');
  await db.raw('analyze users');
  await db.raw('analyze companies');
  await db.raw('drop table seed');
  const followups = Number((await db('followups').count({ n: '*' }))[0]?.n);
  return { tickets, followups, seconds: Math.round((Date.now() - started) / 1000) };
}
