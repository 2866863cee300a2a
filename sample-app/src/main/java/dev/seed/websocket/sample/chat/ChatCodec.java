package dev.seed.websocket.sample.chat;

import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Turns chat messages into JSON text and back. Thread safe. */
@Component
public class ChatCodec {

    private final JsonMapper mapper;

    public ChatCodec(JsonMapper mapper) {
        // a client may send fields this version does not know
        this.mapper = mapper.rebuild().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    /** The JSON text of a message. */
    public String encode(Object message) {
        return mapper.writeValueAsString(message);
    }

    /** A message of the room's history, or null when {@code json} is not one. */
    public ChatMessages.Posted decodePosted(String json) {
        try {
            return mapper.readValue(json, ChatMessages.Posted.class);
        } catch (JacksonException e) {
            return null;
        }
    }

    /** A client's message, or null when {@code text} is not a JSON object of the chat's shape. */
    public ChatMessages.Incoming decode(String text) {
        try {
            ChatMessages.Incoming incoming = mapper.readValue(text, ChatMessages.Incoming.class);
            return incoming == null || incoming.type() == null ? null : incoming;
        } catch (JacksonException e) {
            return null;
        }
    }
}
