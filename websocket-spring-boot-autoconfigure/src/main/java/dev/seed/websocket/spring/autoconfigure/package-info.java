/**
 * Spring Boot auto-configuration of the WebSocket server (routes from
 * {@link dev.seed.websocket.spring.WsHandler} beans, lifecycle, properties) and client.
 */
package dev.seed.websocket.spring.autoconfigure;
