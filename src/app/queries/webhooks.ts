import type { Db } from '../../db/db.js';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../db/tables.js';

export type WebhookEndpointView = Pick<
  WebhookEndpointRow,
  'id' | 'url' | 'events' | 'active' | 'disabled_at' | 'failing_since' | 'created_at'
> & { last_status: WebhookDeliveryRow['status'] | null; last_code: number | null };

const VIEW_COLUMNS = ['id', 'url', 'events', 'active', 'disabled_at', 'failing_since', 'created_at'].map(
  (c) => `e.${c}`,
);

/** The endpoints with the outcome of each one's latest delivery. */
const endpoints = (db: Db) =>
  db('webhook_endpoints as e')
    .select(VIEW_COLUMNS)
    .select(
      db.raw(
        '(select status from webhook_deliveries d where d.endpoint_id = e.id order by d.id desc limit 1) as last_status',
      ),
      db.raw(
        '(select response_code from webhook_deliveries d where d.endpoint_id = e.id order by d.id desc limit 1) as last_code',
      ),
    );

export const listWebhookEndpoints = (db: Db): Promise<WebhookEndpointView[]> => endpoints(db).orderBy('e.id');

export const webhookEndpointById = (db: Db, id: number): Promise<WebhookEndpointView | undefined> =>
  endpoints(db).where('e.id', id).first();

export type WebhookLogRow = Pick<
  WebhookDeliveryRow,
  | 'id'
  | 'outbox_id'
  | 'event'
  | 'status'
  | 'attempts'
  | 'response_code'
  | 'duration_ms'
  | 'error'
  | 'created_at'
  | 'attempted_at'
>;

/** An endpoint's latest deliveries, newest first. */
export function webhookDeliveryLog(db: Db, endpointId: number, limit = 50): Promise<WebhookLogRow[]> {
  return db('webhook_deliveries')
    .where({ endpoint_id: endpointId })
    .orderBy('id', 'desc')
    .limit(limit)
    .select(
      'id',
      'outbox_id',
      'event',
      'status',
      'attempts',
      'response_code',
      'duration_ms',
      'error',
      'created_at',
      'attempted_at',
    );
}

export interface WebhookToSend {
  id: number;
  outbox_id: number;
  event: string;
  body: string;
  status: WebhookDeliveryRow['status'];
  endpoint_id: number;
  url: string;
  /** Sealed under SECRET. */
  secret: string;
  active: boolean;
}

/** A delivery with what its POST needs. */
export function webhookToSend(db: Db, deliveryId: number): Promise<WebhookToSend | undefined> {
  return db('webhook_deliveries as d')
    .join('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .where('d.id', deliveryId)
    .first(
      'd.id',
      'd.outbox_id',
      'd.event',
      'd.body',
      'd.status',
      'd.endpoint_id',
      'e.url',
      'e.secret',
      'e.active',
    );
}
