package dev.seed.websocket.spring.autoconfigure;

/**
 * Present when the {@code @WsHandler} routes are served on the application's servlet web server
 * (its port, paths, TLS and filters, Spring Security among them) instead of a port of their own:
 * an application with a Tomcat or Jetty servlet web server that does not set
 * {@code websocket.server.port}.
 *
 * @param container the web server's name, for the start-up log
 */
public record WebSocketHosting(String container) {
}
