package dev.seed.websocket.sample.chat;

import dev.seed.websocket.spring.autoconfigure.WebSocketServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Joins and leaves of the rooms, from any instance, reach the rooms' members on this one. */
@Configuration(proxyBeanMethods = false)
class ChatConfiguration {

    @Bean
    WebSocketServerCustomizer chatPresenceListener(ChatRooms rooms) {
        return builder -> builder.onPresence(rooms::presenceChanged);
    }
}
