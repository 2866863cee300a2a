package dev.seed.websocket.sample.chat;

import java.util.List;

/**
 * The chat's JSON messages. Each has a {@code type}; the client sends {@code join},
 * {@code message} and {@code ping}, the server answers with the others.
 *
 * <pre>
 * client: {"type":"join","name":"ada"}
 *         {"type":"message","text":"hello","ref":"c-17"}      ref: optional, echoed back
 *         {"type":"ping"}
 * server: {"type":"welcome","room":"lobby","name":"ada","members":["ada"],"history":[...]}
 *         {"type":"joined","room":"lobby","name":"bob","members":["ada","bob"],"time":...}
 *         {"type":"left","room":"lobby","name":"bob","members":["ada"],"time":...}
 *         {"type":"message","id":"m1a2b-7","room":"lobby","name":"ada","text":"hello","ref":"c-17","time":...}
 *         {"type":"error","message":"Join the room before sending"}
 *         {"type":"pong"}
 * </pre>
 */
public final class ChatMessages {

    private ChatMessages() {
    }

    /** What a client sent; fields it left out are null. */
    public record Incoming(String type, String name, String text, String ref) {
    }

    /** The answer to a join: who is in the room and its recent messages. */
    public record Welcome(String type, String room, String name, List<String> members, List<Posted> history) {
        public Welcome(String room, String name, List<String> members, List<Posted> history) {
            this("welcome", room, name, members, history);
        }
    }

    /** Someone joined or left a room ({@code type} is {@code joined} or {@code left}). */
    public record Presence(String type, String room, String name, List<String> members, long time) {
    }

    /** A chat message as everyone in the room sees it; {@code id} is unique across instances and restarts. */
    public record Posted(String type, String id, String room, String name, String text, String ref, long time) {
        public Posted(String id, String room, String name, String text, String ref, long time) {
            this("message", id, room, name, text, ref, time);
        }
    }

    /** A request the server could not honour; the connection stays open. */
    public record Error(String type, String message) {
        public Error(String message) {
            this("error", message);
        }
    }

    /** The answer to a ping (the page's heartbeat). */
    public record Pong(String type) {
        public static final Pong INSTANCE = new Pong("pong");
    }
}
