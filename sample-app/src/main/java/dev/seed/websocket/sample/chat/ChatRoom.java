package dev.seed.websocket.sample.chat;

import dev.seed.websocket.WebSocketConnection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One room: its members and its recent messages. Everything a room sends goes out under its lock,
 * so every member sees the room's messages in the same order, and the history is that order too.
 * Sends only queue bytes on the connections (they never block), so the lock is held briefly.
 */
final class ChatRoom {

    private final String name;
    private final int historySize;
    private final ChatCodec codec;
    private final String idPrefix;
    // guarded by this: members in join order, and the last historySize messages
    private final Map<WebSocketConnection, String> members = new LinkedHashMap<>();
    private final ArrayDeque<ChatMessages.Posted> history = new ArrayDeque<>();
    private long sequence;
    private long lastActivity;

    ChatRoom(String name, int historySize, ChatCodec codec, String idPrefix, long now) {
        this.name = name;
        this.historySize = historySize;
        this.codec = codec;
        this.idPrefix = idPrefix;
        this.lastActivity = now;
    }

    String name() {
        return name;
    }

    /** Adds a member: the others are told, the newcomer gets the welcome with the history. */
    synchronized void join(WebSocketConnection c, String userName, long now) {
        lastActivity = now;
        members.put(c, userName);
        List<String> names = memberNames();
        sendToAllBut(c, codec.encode(new ChatMessages.Presence("joined", name, userName, names, now)));
        c.sendText(codec.encode(new ChatMessages.Welcome(name, userName, names, List.copyOf(history))));
    }

    /** Sends a message to every member, the sender included (that is its confirmation). */
    synchronized void post(WebSocketConnection c, String text, String ref, long now) {
        String userName = members.get(c);
        if (userName == null) {
            return;
        }
        lastActivity = now;
        ChatMessages.Posted posted = new ChatMessages.Posted(idPrefix + (++sequence), name, userName, text, ref, now);
        history.addLast(posted);
        while (history.size() > historySize) {
            history.removeFirst();
        }
        sendToAllBut(null, codec.encode(posted));
    }

    /** Removes a member and tells the others. */
    synchronized void leave(WebSocketConnection c, long now) {
        String userName = members.remove(c);
        if (userName == null) {
            return;
        }
        lastActivity = now;
        sendToAllBut(null, codec.encode(new ChatMessages.Presence("left", name, userName, memberNames(), now)));
    }

    synchronized boolean isEmpty() {
        return members.isEmpty();
    }

    synchronized long lastActivity() {
        return lastActivity;
    }

    private List<String> memberNames() {
        return List.copyOf(new ArrayList<>(members.values()));
    }

    private void sendToAllBut(WebSocketConnection excluded, String json) {
        for (WebSocketConnection member : members.keySet()) {
            if (member != excluded) {
                // a member whose send fails is closing: its onClose removes it
                member.sendText(json);
            }
        }
    }
}
