// Prometheus metrics: one registry for the process, with the default process metrics.
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'parley_' });

export const metrics = {
  openConnections: new client.Gauge({
    name: 'parley_open_connections',
    help: 'Open live connections (WebSockets and the fallback event streams) on this instance',
    registers: [registry],
  }),
  messagesSent: new client.Counter({
    name: 'parley_messages_sent_total',
    help: 'Messages committed by sends on this instance',
    registers: [registry],
  }),
  pushesHealed: new client.Counter({
    name: 'parley_pushes_healed_total',
    help: 'web pushes sent late because their regular round never ran (an instance died before its fan-out)',
    registers: [registry],
  }),
  headsRetried: new client.Counter({
    name: 'parley_heads_retried_total',
    help: 'reads of a subscription\'s heads that failed (the database was unreachable) and were tried again',
    registers: [registry],
  }),
  deliveriesHealed: new client.Counter({
    name: 'parley_deliveries_healed_total',
    help: 'live subscriptions sent fresh heads because events committed for them never arrived (server/sync/healer.ts)',
    registers: [registry],
  }),
  messagesDelivered: new client.Counter({
    name: 'parley_messages_delivered_total',
    help: 'message.new events handed to client connections on this instance',
    registers: [registry],
  }),
  sendLatency: new client.Histogram({
    name: 'parley_send_latency_seconds',
    help: 'From a send reaching the send path to its commit (the ack)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
  busLag: new client.Histogram({
    name: 'parley_bus_publish_to_receive_seconds',
    help: 'From a message being committed to its event reaching a connection on this instance',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  }),
  pushesSent: new client.Counter({
    name: 'parley_pushes_sent_total',
    help: 'Web pushes accepted by a push service, by type (message, read)',
    labelNames: ['type'],
    registers: [registry],
  }),
};
