package dev.seed.websocket.internal;

import dev.seed.websocket.WebSocketHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Maps request paths to handlers: exact routes first, then templates in registration order. Immutable once built. */
public final class Router {

    /** One route: its path, handler and the subprotocols it speaks (server preference order). */
    public record Route(PathTemplate path, WebSocketHandler handler, List<String> subprotocols) {
    }

    /** A matched route with the path's variables. */
    public record Match(Route route, Map<String, String> variables) {
    }

    private final Map<String, Route> exact = new HashMap<>();
    private final List<Route> templates = new ArrayList<>();
    private final List<Route> all = new ArrayList<>();

    /** Adds a route; two routes on one path fail with IllegalArgumentException. */
    public void add(String path, WebSocketHandler handler, List<String> subprotocols) {
        PathTemplate template = PathTemplate.parse(path);
        for (Route r : all) {
            if (r.path().pattern().equals(path)) {
                throw new IllegalArgumentException("Two handlers for route " + path);
            }
        }
        Route route = new Route(template, handler, List.copyOf(subprotocols));
        all.add(route);
        if (template.isExact()) {
            exact.put(path, route);
        } else {
            templates.add(route);
        }
    }

    /** The route for a request path, or null. */
    public Match match(String path) {
        Route r = exact.get(path);
        if (r != null) {
            return new Match(r, Map.of());
        }
        for (Route t : templates) {
            Map<String, String> vars = t.path().match(path);
            if (vars != null) {
                return new Match(t, vars);
            }
        }
        return null;
    }

    /** Every route, in registration order. */
    public List<Route> routes() {
        return List.copyOf(all);
    }
}
