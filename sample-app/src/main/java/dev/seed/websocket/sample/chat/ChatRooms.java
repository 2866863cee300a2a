package dev.seed.websocket.sample.chat;

import dev.seed.websocket.SubscribeOptions;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.cluster.History;
import dev.seed.websocket.cluster.PresenceEvent;
import dev.seed.websocket.cluster.PresenceMember;
import dev.seed.websocket.cluster.Publication;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The rooms, on the server's cluster layer, so that any number of instances behave as one: a room
 * is the topic {@code chat:<room>}, its members are the topic's presence (each member's info is
 * its name), its recent messages are the topic's history. A message is published once and every
 * instance sends it to its own members; a join or a leave anywhere reaches every instance as a
 * presence event, which each turns into a notice for its own members. Whoever joins gets the
 * members and the recent messages; a page that comes back after a disconnection gets what it
 * missed through its subscription's recovery. Thread safe.
 */
@Component
public class ChatRooms {

    /** The topic of a room is this prefix and the room's name. */
    public static final String TOPIC_PREFIX = "chat:";

    private final ChatProperties properties;
    private final ChatCodec codec;
    private final Clock clock;
    /** The server is made after this bean (its presence listener is ours): asked for when needed. */
    private final ObjectProvider<WebSocketServer> servers;
    private final AtomicLong sequence = new AtomicLong();
    private volatile String idPrefix;

    @Autowired
    public ChatRooms(ChatProperties properties, ChatCodec codec, ObjectProvider<WebSocketServer> servers) {
        this(properties, codec, servers, Clock.systemUTC());
    }

    ChatRooms(ChatProperties properties, ChatCodec codec, ObjectProvider<WebSocketServer> servers, Clock clock) {
        this.properties = properties;
        this.codec = codec;
        this.servers = servers;
        this.clock = clock;
    }

    static String topic(String room) {
        return TOPIC_PREFIX + room;
    }

    /**
     * Adds {@code c} as {@code userName} to {@code room}: it subscribes (recovering what it missed
     * when it comes back), becomes a member, and gets the welcome with the members and the recent
     * messages. False when too many rooms are in use on this instance.
     */
    public CompletableFuture<Boolean> join(String room, WebSocketConnection c, String userName) {
        WebSocketServer server = server();
        String topic = topic(room);
        if (server.subscribers(topic).isEmpty() && server.topicCount() >= properties.maxRooms()) {
            return CompletableFuture.completedFuture(false);
        }
        return c.subscribe(topic, SubscribeOptions.recoverable().withPresence(userName)).thenCompose(result -> {
            if (!result.subscribed()) {
                return CompletableFuture.completedFuture(true); // closed meanwhile
            }
            return server.presence(topic).thenCombine(history(server, topic), (members, history) -> {
                c.sendText(codec.encode(new ChatMessages.Welcome(room, userName, names(members), history)));
                return true;
            });
        });
    }

    /** Publishes a message to every member of the room, the sender included (that is its confirmation). */
    public CompletableFuture<Integer> post(String room, String userName, String text, String ref) {
        ChatMessages.Posted posted = new ChatMessages.Posted(idPrefix() + sequence.incrementAndGet(), room, userName,
                text, ref, clock.millis());
        return server().publish(topic(room), codec.encode(posted));
    }

    /**
     * A member joined or left a room on some instance: this instance tells its own members of the
     * room (not the one who joined: it gets the welcome), with the members now.
     */
    public void presenceChanged(PresenceEvent e) {
        if (!e.topic().startsWith(TOPIC_PREFIX)) {
            return;
        }
        WebSocketServer server = server();
        Set<WebSocketConnection> here = server.subscribers(e.topic());
        if (here.isEmpty()) {
            return;
        }
        String room = e.topic().substring(TOPIC_PREFIX.length());
        String type = e.kind() == PresenceEvent.Kind.JOIN ? "joined" : "left";
        boolean ours = e.member().instance().equals(server.instanceId());
        server.presence(e.topic()).thenAccept(members -> {
            String json = codec.encode(new ChatMessages.Presence(type, room, e.member().info(), names(members),
                    clock.millis()));
            for (WebSocketConnection c : here) {
                if (!(ours && c.id().equals(e.member().connectionId()))) {
                    c.sendText(json);
                }
            }
        });
    }

    private CompletableFuture<List<ChatMessages.Posted>> history(WebSocketServer server, String topic) {
        if (properties.historySize() == 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        return server.history(topic, properties.historySize()).thenApply(this::posted)
                .exceptionally(e -> List.of()); // a history that cannot be read: the welcome goes without it
    }

    private List<ChatMessages.Posted> posted(History history) {
        return history.publications().stream().filter(Publication::text)
                .map(p -> codec.decodePosted(StandardCharsets.UTF_8.decode(p.data()).toString()))
                .filter(Objects::nonNull).toList();
    }

    /** The members' names, sorted: the same list on every instance. */
    private static List<String> names(List<PresenceMember> members) {
        return members.stream().map(PresenceMember::info).filter(Objects::nonNull)
                .sorted(Comparator.comparing((String n) -> n.toLowerCase(java.util.Locale.ROOT)).thenComparing(n -> n))
                .toList();
    }

    /**
     * Message ids are unique across instances and restarts: the instance's id and the time this
     * instance started, then a sequence. A page that reconnects must not take a message for one
     * it has already shown.
     */
    private String idPrefix() {
        String p = idPrefix;
        if (p == null) {
            p = server().instanceId() + "-" + Long.toString(clock.millis(), 36) + "-";
            idPrefix = p;
        }
        return p;
    }

    private WebSocketServer server() {
        return servers.getObject();
    }
}
