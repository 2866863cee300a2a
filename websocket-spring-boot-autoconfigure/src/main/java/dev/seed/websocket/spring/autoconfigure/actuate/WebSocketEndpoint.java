package dev.seed.websocket.spring.autoconfigure.actuate;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.internal.PathTemplate;
import dev.seed.websocket.spring.autoconfigure.WebSocketRoute;
import dev.seed.websocket.spring.autoconfigure.WebSocketRoutes;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code websocket} Actuator endpoint: whether the server listens, on which port, and every
 * route with its handler bean and the number of connections open on it.
 */
@Endpoint(id = "websocket")
@RegisterReflectionForBinding({WebSocketEndpoint.ServerDescriptor.class, WebSocketEndpoint.RouteDescriptor.class})
public class WebSocketEndpoint {

    private final WebSocketServer server;
    private final WebSocketRoutes routes;

    public WebSocketEndpoint(WebSocketServer server, WebSocketRoutes routes) {
        this.server = server;
        this.routes = routes == null ? new WebSocketRoutes(List.of()) : routes;
    }

    @ReadOperation
    public ServerDescriptor server() {
        boolean running = server.isRunning();
        List<WebSocketRoute> all = routes.routes();
        List<PathTemplate> templates = new ArrayList<>(all.size());
        for (WebSocketRoute r : all) {
            templates.add(PathTemplate.parse(r.path()));
        }
        int[] counts = new int[all.size()];
        int total = 0;
        for (WebSocketConnection c : server.connections()) {
            total++;
            int i = routeOf(templates, c.request().path());
            if (i >= 0) {
                counts[i]++;
            }
        }
        List<RouteDescriptor> described = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            WebSocketRoute r = all.get(i);
            described.add(new RouteDescriptor(r.path(), r.beanName(), r.beanType().getName(), r.subprotocols(),
                    counts[i]));
        }
        // the port of the server's own listener; null while it shares the web server's
        Integer port = running && server.address() != null ? server.address().getPort() : null;
        return new ServerDescriptor(running, port, total, described);
    }

    /** The route the engine's router picks for {@code path}: an exact route first, then templates in order. */
    private static int routeOf(List<PathTemplate> templates, String path) {
        for (int i = 0; i < templates.size(); i++) {
            if (templates.get(i).isExact() && templates.get(i).pattern().equals(path)) {
                return i;
            }
        }
        for (int i = 0; i < templates.size(); i++) {
            if (!templates.get(i).isExact() && templates.get(i).match(path) != null) {
                return i;
            }
        }
        return -1;
    }

    /** The server and its routes. */
    public record ServerDescriptor(boolean running, Integer port, int connections, List<RouteDescriptor> routes)
            implements OperationResponseBody {
    }

    /** One route. */
    public record RouteDescriptor(String path, String bean, String handlerType, List<String> subprotocols,
            int connections) {
    }
}
