/**
 * Annotations of the Spring integration: {@link dev.seed.websocket.spring.WsHandler} declares a route
 * on a bean; {@link dev.seed.websocket.spring.OnText} and its siblings mark handler methods.
 */
package dev.seed.websocket.spring;
