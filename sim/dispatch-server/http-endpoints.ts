import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyToken } from '../../adapters/socketio/principal-token.ts';
import { mapEntries } from '../../machines/persistent-map.ts';
import type { DispatchHost } from './dispatch-host.ts';
import { type MetricsSnapshot, prometheusText } from './server-metrics.ts';

export interface HttpDeps {
  readonly secret: string;
  readonly host: DispatchHost;
  /** 'ok', 'stopping' or 'failed: <reason>'. */
  status(): string;
  metrics(): MetricsSnapshot;
  seq(): number;
}

function send(res: ServerResponse, code: number, body: unknown, type = 'application/json'): void {
  const text = type === 'application/json' ? `${JSON.stringify(body)}\n` : String(body);
  res.writeHead(code, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
  res.end(text);
}

/** The dispatch state a test or an operator checks invariants against (admin token only). */
function stateOf(deps: HttpDeps, withOrders: boolean): Record<string, unknown> {
  const ctx = deps.host.context;
  const couriers = [...mapEntries(ctx.couriers)].map(([, c]) => c);
  return {
    seq: deps.seq(),
    serverTime: deps.host.now,
    orders: {
      steps: deps.host.orders.stepCounts(),
      open: ctx.orders.size,
      ...(withOrders ? { list: deps.host.orders.all() } : {}),
    },
    escrow: deps.host.escrow(),
    violations: deps.host.violations(),
    couriers: {
      registered: couriers.length,
      online: couriers.filter((c) => c.online).length,
      busy: couriers.filter((c) => c.activeOrder !== null).length,
    },
  };
}

/**
 * Plain HTTP beside socket.io: `GET /health` (200 while serving, 503 otherwise), `GET /metrics`
 * (JSON, or Prometheus text with `?format=prometheus`) and `GET /state` (dispatch's books, for a
 * bearer token of role `admin`; `?orders=1` lists every tracked order).
 */
export function httpHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET') return send(res, 405, { error: 'only GET is served here' });
    if (url.pathname === '/health') {
      const status = deps.status();
      return send(res, status === 'ok' ? 200 : 503, { status, seq: deps.seq() });
    }
    if (url.pathname === '/metrics') {
      const snapshot = deps.metrics();
      return url.searchParams.get('format') === 'prometheus'
        ? send(res, 200, prometheusText(snapshot), 'text/plain; version=0.0.4')
        : send(res, 200, snapshot);
    }
    if (url.pathname === '/state') {
      const header = req.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : '';
      const check = verifyToken(deps.secret, token, Date.now());
      if (!check.ok || check.claims.role !== 'admin')
        return send(res, 401, { error: `unauthorised: ${check.ok ? 'admin token required' : check.reason}` });
      return send(res, 200, stateOf(deps, url.searchParams.get('orders') === '1'));
    }
    send(res, 404, { error: `no such endpoint ${url.pathname}; try /health, /metrics or /state` });
  };
}
