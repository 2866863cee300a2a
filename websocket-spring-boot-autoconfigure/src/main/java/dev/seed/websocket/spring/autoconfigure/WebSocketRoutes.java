package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.spring.WsHandler;
import dev.seed.websocket.spring.method.AnnotatedWebSocketHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * The server's routes: one per {@link WsHandler} bean, in bean registration order. Two handlers on
 * one path (templates that differ only in variable names count as one path) fail the start with
 * a message naming both beans. Immutable.
 */
public final class WebSocketRoutes {

    private final List<WebSocketRoute> routes;

    public WebSocketRoutes(List<WebSocketRoute> routes) {
        this.routes = List.copyOf(routes);
    }

    /** Collects every {@link WsHandler} bean of {@code beanFactory}. */
    public static WebSocketRoutes from(ListableBeanFactory beanFactory) {
        List<WebSocketRoute> routes = new ArrayList<>();
        Map<String, WebSocketRoute> byPath = new HashMap<>();
        for (String name : beanFactory.getBeanNamesForAnnotation(WsHandler.class)) {
            WsHandler annotation = beanFactory.findAnnotationOnBean(name, WsHandler.class);
            if (annotation == null) {
                continue;
            }
            Object bean = beanFactory.getBean(name);
            WebSocketRoute route = route(name, bean, annotation);
            WebSocketRoute other = byPath.putIfAbsent(canonical(route.path()), route);
            if (other != null) {
                throw new IllegalStateException("Two @WsHandler beans on path " + route.path() + ": '"
                        + other.beanName() + "' (" + other.beanType().getName() + ") and '" + name + "' ("
                        + route.beanType().getName() + "). A path has exactly one handler.");
            }
            routes.add(route);
        }
        return new WebSocketRoutes(routes);
    }

    private static WebSocketRoute route(String name, Object bean, WsHandler annotation) {
        Class<?> type = AopUtils.getTargetClass(bean);
        String path = annotation.value();
        if (path.isEmpty()) {
            throw new IllegalStateException("@WsHandler of bean '" + name + "' (" + type.getName()
                    + ") has no path; write e.g. @WsHandler(\"/echo\").");
        }
        if (!path.startsWith("/")) {
            throw new IllegalStateException("@WsHandler of bean '" + name + "' (" + type.getName()
                    + ") has path '" + path + "', which does not start with '/'.");
        }
        boolean annotated = AnnotatedWebSocketHandler.hasHandlerMethods(type);
        WebSocketHandler handler;
        if (bean instanceof WebSocketHandler h) {
            if (annotated) {
                throw new IllegalStateException("@WsHandler bean '" + name + "' (" + type.getName()
                        + ") implements WebSocketHandler and also has @OnOpen/@OnText/... methods; use one or"
                        + " the other.");
            }
            handler = h;
        } else if (annotated) {
            try {
                handler = AnnotatedWebSocketHandler.of(bean, path);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("@WsHandler bean '" + name + "': " + e.getMessage(), e);
            }
        } else {
            throw new IllegalStateException("@WsHandler bean '" + name + "' (" + type.getName()
                    + ") neither implements WebSocketHandler nor has @OnOpen, @OnText, @OnMessage, @OnBinary,"
                    + " @OnClose or @OnError methods.");
        }
        return new WebSocketRoute(path, List.of(annotation.subprotocols()), name, type, handler);
    }

    /** The path with every variable name blanked: {@code /rooms/{id}} and {@code /rooms/{name}} match alike. */
    private static String canonical(String path) {
        return path.replaceAll("\\{[^}/]*}", "{}");
    }

    /** The routes, in registration order. */
    public List<WebSocketRoute> routes() {
        return routes;
    }

    /** Whether there is no route. */
    public boolean isEmpty() {
        return routes.isEmpty();
    }
}
