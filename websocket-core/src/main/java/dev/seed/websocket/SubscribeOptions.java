package dev.seed.websocket;

import dev.seed.websocket.cluster.TopicPosition;

/**
 * How a connection subscribes to a topic.
 *
 * <ul>
 * <li>{@link #plain()}: it gets each publication's payload as published (what
 *   {@link WebSocketConnection#subscribe(String)} does).
 * <li>{@link #recoverable()}: each text publication that has a place in the topic's history
 *   comes in an envelope that says where it stands, which the browser client reads on its own:
 *   <pre>{"ws.pub":{"topic":"room:1","offset":12,"epoch":"k3x9"},"data":"...the payload..."}</pre>
 *   and when the connection asks to recover (a {@code ws-since} query parameter of its
 *   handshake, {@code topic~offset~epoch}, or {@link #since}), it first gets what it missed, in
 *   order and once, then a notice:
 *   <pre>{"ws.recovery":{"topic":"room:1","recovered":true,"missed":3,"offset":15,"epoch":"k3x9"}}</pre>
 *   {@code "recovered":false} says the history no longer holds what was missed (trimmed, expired or
 *   lost): the application should reload that topic's state from its own store.
 * </ul>
 *
 * With {@link #withPresence(String)}, the connection is also a member of the topic's presence,
 * with the given info, for as long as it is subscribed.
 *
 * <p>A recoverable subscriber also hears of a gap (publications lost on their way to this
 * instance, e.g. while its link to the cluster's engine was being restored) as a notice with
 * {@code "recovered":false}, so that it reloads rather than carry on past it. On its connection,
 * text that starts with {@code {"ws.pub":} or {@code {"ws.recovery":} is read by the browser client
 * as the library's own: an application that relays peers' text to such a connection as it is must
 * not let it start so. Immutable.
 *
 * @param positioned whether text publications with a position come in the envelope
 * @param recoverFromRequest whether a {@code ws-since} parameter of the handshake asks for a recovery
 * @param since a position to recover from (overrides the request's), or null
 * @param presence whether the connection is a member of the topic's presence
 * @param info the member's info (a display name, say), or null
 */
public record SubscribeOptions(boolean positioned, boolean recoverFromRequest, TopicPosition since,
        boolean presence, String info) {

    /** The query parameter of a handshake that carries positions to recover from: {@code topic~offset~epoch}. */
    public static final String SINCE_PARAMETER = "ws-since";

    private static final SubscribeOptions PLAIN = new SubscribeOptions(false, false, null, false, null);
    private static final SubscribeOptions RECOVERABLE = new SubscribeOptions(true, true, null, false, null);

    public static SubscribeOptions plain() {
        return PLAIN;
    }

    public static SubscribeOptions recoverable() {
        return RECOVERABLE;
    }

    /** These options, with the connection a member of the topic's presence. */
    public SubscribeOptions withPresence(String info) {
        return new SubscribeOptions(positioned, recoverFromRequest, since, true, info);
    }

    /** These options (positioned), recovering from {@code position}; null: none. */
    public SubscribeOptions since(TopicPosition position) {
        return new SubscribeOptions(true, recoverFromRequest, position, presence, info);
    }
}
