import {
  type Ack,
  type HelloResult,
  inboundTypesFor,
  type Limits,
} from '../../adapters/socketio/wire-protocol.ts';
import type { PendingMessage, QueryAnswerer } from './command-pipeline.ts';
import type { DispatchHost } from './dispatch-host.ts';

/**
 * Read-only questions a principal may ask. `order.status` answers only the order's publisher and
 * its courier; anybody else gets `not_found`, the same as for an order that does not exist, so a
 * token cannot even learn which order ids are in use.
 */
export function dispatchQueries(host: DispatchHost, limits: Limits, issuerPublicKey?: string): QueryAnswerer {
  return (m: PendingMessage): Ack => {
    if (m.type === 'session.hello') {
      const result: HelloResult = {
        principal: m.principal,
        role: m.role,
        serverTime: host.now,
        accepts: inboundTypesFor(m.role),
        limits,
        ...(m.role === 'vehicle' && issuerPublicKey ? { issuerPublicKey } : {}),
      };
      return { ok: true, result };
    }
    if (m.type === 'order.status') {
      const status = host.orders.statusFor(String(m.body.orderId), m.principal);
      return status
        ? { ok: true, result: status }
        : { ok: false, error: 'not_found', message: `no order ${String(m.body.orderId)} of yours` };
    }
    return { ok: false, error: 'unknown_type', message: `no answer for query ${m.type}` };
  };
}
