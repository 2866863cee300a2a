package dev.seed.websocket.sample.chat;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the chat, under {@code sample.chat}.
 *
 * @param historySize how many recent messages a room keeps for whoever joins it
 * @param maxRooms most rooms kept at once; past it the room unused for longest is dropped if empty
 * @param maxNameLength longest user name, in characters
 * @param maxTextLength longest chat message, in characters
 * @param burst how many messages a member may send at once before the rate applies
 * @param messagesPerSecond how many messages a member may send per second, on average; a member
 *     who sends faster is disconnected with 1008
 */
@ConfigurationProperties("sample.chat")
public record ChatProperties(
        @DefaultValue("50") int historySize,
        @DefaultValue("100") int maxRooms,
        @DefaultValue("32") int maxNameLength,
        @DefaultValue("2000") int maxTextLength,
        @DefaultValue("20") int burst,
        @DefaultValue("5") double messagesPerSecond) {

    public ChatProperties {
        if (historySize < 0 || maxRooms < 1 || maxNameLength < 1 || maxTextLength < 1 || burst < 1
                || messagesPerSecond <= 0) {
            throw new IllegalArgumentException("sample.chat: history-size must not be negative; max-rooms, "
                    + "max-name-length, max-text-length, burst and messages-per-second must be positive");
        }
    }
}
