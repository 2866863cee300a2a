package dev.seed.websocket.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Says, once everything listens, where to point a browser and the WebSocket tools. */
@Component
class StartupBanner {

    private static final Logger log = LoggerFactory.getLogger(StartupBanner.class);

    @EventListener(ApplicationReadyEvent.class)
    void ready(ApplicationReadyEvent event) {
        Environment env = event.getApplicationContext().getEnvironment();
        String webHost = host(env.getProperty("server.address"));
        // the routes are on the web server's address unless they have a port (and address) of their own
        String wsHost = host(env.getProperty("websocket.server.address", env.getProperty("server.address")));
        String webPort = env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
        String wsPort = env.getProperty("local.websocket.server.port", "?");
        log.info("""

                  Chat page:  http://{}:{}/   (open it in two tabs and chat)
                  WebSocket:  ws://{}:{}/echo  and  ws://{}:{}/chat/{room}
                  Actuator:   http://{}:{}/actuator/health  and  /actuator/prometheus
                """, webHost, webPort, wsHost, wsPort, wsHost, wsPort, webHost, webPort);
    }

    private static String host(String address) {
        if (address == null || address.isBlank() || address.equals("0.0.0.0") || address.equals("::")) {
            return "127.0.0.1";
        }
        return address.contains(":") ? "[" + address + "]" : address;
    }
}
