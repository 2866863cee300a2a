package dev.seed.websocket.sample.chat;

import static dev.seed.websocket.CloseCodes.WS_FORBIDDEN;
import static dev.seed.websocket.CloseCodes.WS_NOT_ACCEPTABLE;
import static dev.seed.websocket.CloseCodes.WS_TRY_AGAIN_LATER;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.spring.WsHandler;
import java.nio.ByteBuffer;
import java.util.regex.Pattern;

/**
 * The chat: {@code /chat/{room}}, JSON text messages (see {@link ChatMessages}). A connection
 * joins its room with a name, then posts messages that everyone in the room gets; whoever joins
 * gets the room's recent messages. Policy breaches close with 1008, which tells the page not to
 * reconnect; requests that are merely wrong get an error message and the connection stays.
 */
@WsHandler(value = "/chat/{room}", subprotocols = ChatHandler.SUBPROTOCOL)
public class ChatHandler implements WebSocketHandler {

    /** The subprotocol the page asks for; clients that ask for none are served the same. */
    public static final String SUBPROTOCOL = "chat.v1";

    static final Pattern ROOM_NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final int MAX_REF_LENGTH = 64;
    private static final String MEMBER = "chat.member";
    private static final String LIMITER = "chat.limiter";

    private final ChatRooms rooms;
    private final ChatCodec codec;
    private final ChatProperties properties;

    public ChatHandler(ChatRooms rooms, ChatCodec codec, ChatProperties properties) {
        this.rooms = rooms;
        this.codec = codec;
        this.properties = properties;
    }

    /** A connection that has joined: its room and name. */
    private record Member(String room, String name) {
    }

    @Override
    public void onOpen(WebSocketConnection c) {
        String room = c.pathVariable("room");
        if (room == null || !ROOM_NAME.matcher(room).matches()) {
            c.close(WS_FORBIDDEN, "Room names are 1-32 letters, digits, '-' or '_'");
            return;
        }
        c.attribute(LIMITER, new MessageRateLimiter(properties.burst(), properties.messagesPerSecond(), System.nanoTime()));
    }

    @Override
    public void onText(WebSocketConnection c, String text) {
        MessageRateLimiter limiter = c.attribute(LIMITER);
        if (limiter == null) {
            return; // closing: the room name was refused
        }
        if (!limiter.tryAcquire(System.nanoTime())) {
            c.close(WS_FORBIDDEN, "Too many messages");
            return;
        }
        ChatMessages.Incoming in = codec.decode(text);
        if (in == null) {
            error(c, "Messages are JSON objects with a \"type\"");
            return;
        }
        switch (in.type()) {
            case "join" -> join(c, in.name());
            case "message" -> post(c, in.text(), in.ref());
            case "ping" -> c.sendText(codec.encode(ChatMessages.Pong.INSTANCE));
            default -> error(c, "Unknown message type: " + abbreviate(in.type(), 32));
        }
    }

    @Override
    public void onBinary(WebSocketConnection c, ByteBuffer data) {
        // RFC 6455 7.4.1: 1003 "an endpoint is terminating the connection because it has received a
        // type of data it cannot accept (e.g., an endpoint that understands only text data MAY send
        // this if it receives a binary message)"
        c.close(WS_NOT_ACCEPTABLE, "The chat takes JSON text messages only");
    }

    private void join(WebSocketConnection c, String rawName) {
        if (c.attribute(MEMBER) != null) {
            error(c, "Already joined");
            return;
        }
        String name = rawName == null ? "" : rawName.strip();
        if (name.isEmpty() || name.codePointCount(0, name.length()) > properties.maxNameLength()
                || name.codePoints().anyMatch(Character::isISOControl)) {
            error(c, "A name is 1-" + properties.maxNameLength() + " characters, without control characters");
            return;
        }
        // a member from now on (a second join is refused); it leaves the room when it closes
        String roomName = c.pathVariable("room");
        c.attributes().put(MEMBER, new Member(roomName, name));
        rooms.join(roomName, c, name).thenAccept(joined -> {
            if (!joined) {
                c.close(WS_TRY_AGAIN_LATER, "Too many rooms in use, try again later");
            }
        });
    }

    private void post(WebSocketConnection c, String text, String ref) {
        Member member = c.attribute(MEMBER);
        if (member == null) {
            error(c, "Join the room before sending");
            return;
        }
        if (text == null || text.isBlank()) {
            error(c, "A message needs a text");
            return;
        }
        if (text.codePointCount(0, text.length()) > properties.maxTextLength()) {
            error(c, "Messages are at most " + properties.maxTextLength() + " characters");
            return;
        }
        String safeRef = ref == null || ref.length() > MAX_REF_LENGTH ? null : ref;
        rooms.post(member.room(), member.name(), text, safeRef);
    }

    private void error(WebSocketConnection c, String message) {
        c.sendText(codec.encode(new ChatMessages.Error(message)));
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
