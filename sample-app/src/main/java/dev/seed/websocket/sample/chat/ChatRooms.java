package dev.seed.websocket.sample.chat;

import dev.seed.websocket.WebSocketConnection;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The rooms, created on first join and kept (with their history) while there is room: past
 * {@code sample.chat.max-rooms} the empty room unused for longest makes way. Thread safe.
 */
@Component
public class ChatRooms {

    private final ChatProperties properties;
    private final ChatCodec codec;
    private final Clock clock;
    // message ids are unique across restarts of the server: a page that reconnects to a new run
    // must not take its messages for ones it has already shown
    private final String idPrefix;
    // guarded by this
    private final Map<String, ChatRoom> rooms = new HashMap<>();

    @Autowired
    public ChatRooms(ChatProperties properties, ChatCodec codec) {
        this(properties, codec, Clock.systemUTC());
    }

    ChatRooms(ChatProperties properties, ChatCodec codec, Clock clock) {
        this.properties = properties;
        this.codec = codec;
        this.clock = clock;
        this.idPrefix = Long.toString(clock.millis(), 36) + "-";
    }

    /**
     * Adds {@code c} as {@code userName} to the room named {@code roomName}, created if needed.
     * Empty when there are too many rooms in use. Joining under this object's lock means no room is
     * dropped between being found and being joined.
     */
    public synchronized Optional<ChatRoom> join(String roomName, WebSocketConnection c, String userName) {
        ChatRoom room = rooms.get(roomName);
        if (room == null) {
            if (rooms.size() >= properties.maxRooms() && !evictOneEmptyRoom()) {
                return Optional.empty();
            }
            room = new ChatRoom(roomName, properties.historySize(), codec, idPrefix, clock.millis());
            rooms.put(roomName, room);
        }
        room.join(c, userName, clock.millis());
        return Optional.of(room);
    }

    /** The current time for messages, in epoch milliseconds. */
    long now() {
        return clock.millis();
    }

    private boolean evictOneEmptyRoom() {
        return rooms.values().stream()
                .filter(ChatRoom::isEmpty)
                .min(Comparator.comparingLong(ChatRoom::lastActivity))
                .map(room -> rooms.remove(room.name()) != null)
                .orElse(false);
    }
}
