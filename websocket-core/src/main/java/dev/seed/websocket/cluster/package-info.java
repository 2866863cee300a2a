/**
 * Topics, broadcast and user-addressed sends, presence and history across server instances: the
 * SPI a {@link dev.seed.websocket.WebSocketServer} runs them through, and the in-memory,
 * single-process implementations it uses when nothing else is configured.
 *
 * <p>The split follows the two jobs: a {@link dev.seed.websocket.cluster.Broker} carries
 * publications between instances (publish, listen, history) and a
 * {@link dev.seed.websocket.cluster.PresenceManager} knows who is subscribed where. An
 * implementation carries a message once to each instance, never once per subscriber; each
 * instance encodes (and compresses) it once for its own subscribers.
 */
package dev.seed.websocket.cluster;
