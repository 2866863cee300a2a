package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.servlet.WebSocketUpgradeFilter;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * One port: the routes on the servlet web server's own port, as Spring Boot serves
 * {@code management.*} endpoints on {@code server.port} unless {@code management.server.port} is
 * set. Applies to a servlet application on Tomcat (Boot's default web server) or Jetty 12 that
 * does not set {@code websocket.server.port} (and does not turn
 * {@code websocket.server.share-web-server-port} off). The upgrade filter comes after Spring Security's filter
 * chain (order -100) and the other filters of Boot, so an upgrade request is authenticated like
 * any request; it ends the chain only for WebSocket requests to a route.
 *
 * <p>A reactive application keeps its own port.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = {"dev.seed.websocket.servlet.WebSocketUpgradeFilter",
        "org.springframework.boot.web.servlet.FilterRegistrationBean"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "websocket.server.share-web-server-port", matchIfMissing = true)
@Conditional({WebSocketServletHostingConfiguration.SupportedContainer.class,
        WebSocketServletHostingConfiguration.PortNotSet.class})
class WebSocketServletHostingConfiguration {

    /** Where the upgrade filter sits: after Spring Security's chain (-100) and Boot's own filters. */
    static final int FILTER_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    @Bean
    WebSocketHosting webSocketHosting() {
        return new WebSocketHosting(SupportedContainer.TOMCAT.equals(SupportedContainer.present()) ? "Tomcat" : "Jetty");
    }

    @Bean
    FilterRegistrationBean<WebSocketUpgradeFilter> webSocketUpgradeFilter(WebSocketServer server) {
        FilterRegistrationBean<WebSocketUpgradeFilter> registration =
                new FilterRegistrationBean<>(new WebSocketUpgradeFilter(server));
        registration.setName("webSocketUpgradeFilter");
        registration.setOrder(FILTER_ORDER);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.setAsyncSupported(true);
        registration.addUrlPatterns("/*");
        return registration;
    }

    /** The servlet web server is one we upgrade on: Tomcat, or Jetty 12 (ee11). */
    static final class SupportedContainer implements Condition {
        static final String TOMCAT = "org.apache.catalina.startup.Tomcat";
        static final String JETTY = "org.eclipse.jetty.ee11.servlet.ServletContextRequest";

        /** The class that says which container Boot starts (Tomcat first, as Boot picks it), or null. */
        static String present() {
            ClassLoader loader = WebSocketServletHostingConfiguration.class.getClassLoader();
            for (String name : new String[] {TOMCAT, JETTY}) {
                if (org.springframework.util.ClassUtils.isPresent(name, loader)) {
                    return name;
                }
            }
            return null;
        }

        /** An application context that runs an embedded web server (not a MOCK servlet environment). */
        private static final String WEB_SERVER_CONTEXT = "org.springframework.boot.web.server.context.WebServerApplicationContext";

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            // A mock servlet environment (@SpringBootTest's default) has no port to share: the
            // routes keep their own there, so a test can still connect to them.
            ClassLoader loader = WebSocketServletHostingConfiguration.class.getClassLoader();
            if (!org.springframework.util.ClassUtils.isPresent(WEB_SERVER_CONTEXT, loader)) {
                return false;
            }
            Class<?> webServerContext = org.springframework.util.ClassUtils.resolveClassName(WEB_SERVER_CONTEXT, loader);
            return present() != null && webServerContext.isInstance(context.getResourceLoader());
        }
    }

    /** {@code websocket.server.port} is not set: the routes have no port of their own. */
    static final class PortNotSet implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !context.getEnvironment().containsProperty("websocket.server.port");
        }
    }
}
