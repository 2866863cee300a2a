package dev.seed.websocket.spring.autoconfigure.oneport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.HandshakeFailedException;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.spring.WsHandler;
import dev.seed.websocket.spring.autoconfigure.WebSocketHosting;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A user's application: Spring MVC on Tomcat (on Jetty in websocket-spring-boot-jetty-tests, which
 * runs this class again), Spring Security with HTTP Basic and form login,
 * two WebSocket routes and no websocket.server.port: the routes are on the web server's own port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "websocket.server.allowed-origins=http://127.0.0.1"})
class OnePortSecurityTests {

    @SpringBootApplication
    static class App {

        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http
                    .authorizeHttpRequests(a -> a
                            .requestMatchers("/open/**", "/login", "/public").permitAll()
                            .anyRequest().authenticated())
                    .httpBasic(Customizer.withDefaults())
                    .formLogin(Customizer.withDefaults())
                    .build();
        }

        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("ada").password("{noop}secret").roles("USER").build());
        }

        @Bean
        WhoAmI secured() {
            return new WhoAmI();
        }

        @Bean
        OpenWhoAmI open() {
            return new OpenWhoAmI();
        }

        @Bean
        Pages pages() {
            return new Pages();
        }
    }

    /** Says who the connection belongs to: principal name and user id. */
    @WsHandler("/secure/whoami")
    static class WhoAmI implements WebSocketHandler {
        @Override
        public void onText(WebSocketConnection c, String text) {
            Principal p = c.principal();
            c.sendText((p == null ? "anonymous" : p.getName()) + "/" + c.userId());
        }
    }

    @WsHandler("/open/whoami")
    static class OpenWhoAmI extends WhoAmI {
    }

    @RestController
    static class Pages {
        @GetMapping("/public")
        String publicPage() {
            return "public";
        }

        @GetMapping("/private")
        String privatePage(Principal p) {
            return "private " + p.getName();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    WebSocketServer server;

    @Autowired
    Environment environment;

    @Autowired(required = false)
    WebSocketHosting hosting;

    @Autowired
    org.springframework.boot.web.server.context.WebServerApplicationContext context;

    private final WebSocketClient client = WebSocketClient.create();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        client.close();
    }

    private URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    /** Connects, sends one message, returns the answer. */
    private String whoami(String path, ConnectOptions options) throws Exception {
        LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
        WebSocketConnection c = client.connect(ws(path), options, new WebSocketHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                answers.add(text);
            }
        }).get(10, TimeUnit.SECONDS);
        c.sendText("?");
        String answer = answers.poll(10, TimeUnit.SECONDS);
        c.close(1000, "done");
        return answer;
    }

    private static int refusal(CompletableFuture<WebSocketConnection> attempt) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> attempt.get(10, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(HandshakeFailedException.class);
        return ((HandshakeFailedException) e.getCause()).status();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theRoutesShareTheWebServersPort() {
        assertThat(hosting).isNotNull();
        // TomcatWebServer or JettyWebServer: the container that runs is the one named
        assertThat(context.getWebServer().getClass().getSimpleName()).startsWith(hosting.container());
        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
        assertThat(environment.getProperty("local.websocket.server.port", Integer.class)).isEqualTo(port);
    }

    @Test
    void anAnonymousHandshakeToASecuredRouteGets401AndNeverReachesTheEngine() {
        int before = server.connections().size();
        assertThat(refusal(client.connect(ws("/secure/whoami"), ConnectOptions.defaults(), new WebSocketHandler() {
        }))).isEqualTo(401);
        assertThat(server.connections()).hasSize(before);
    }

    @Test
    void aWrongPasswordGets401() {
        ConnectOptions wrong = ConnectOptions.builder().header("Authorization", basic("ada", "wrong")).build();
        assertThat(refusal(client.connect(ws("/secure/whoami"), wrong, new WebSocketHandler() {
        }))).isEqualTo(401);
    }

    @Test
    void anAuthenticatedHandshakeUpgradesAndTheHandlerSeesThePrincipal() throws Exception {
        ConnectOptions basic = ConnectOptions.builder().header("Authorization", basic("ada", "secret")).build();
        assertThat(whoami("/secure/whoami", basic)).isEqualTo("ada/ada");
    }

    @Test
    void aFormLoginSessionCookieAuthenticatesTheHandshake() throws Exception {
        // the login page carries the CSRF token and starts the session
        HttpResponse<String> loginPage = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/login")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(loginPage.body());
        assertThat(csrf.find()).as("CSRF token in the login form").isTrue();
        String session = cookie(loginPage);
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", session)
                .POST(HttpRequest.BodyPublishers.ofString("username=ada&password=secret&_csrf=" + csrf.group(1)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElse("")).doesNotContain("error");
        String loggedIn = login.headers().firstValue("Set-Cookie").map(OnePortSecurityTests::cookieOf).orElse(session);
        int eq = loggedIn.indexOf('=');
        ConnectOptions withCookie = ConnectOptions.builder().cookie(loggedIn.substring(0, eq), loggedIn.substring(eq + 1))
                .origin("http://127.0.0.1").build();
        assertThat(whoami("/secure/whoami", withCookie)).isEqualTo("ada/ada");
    }

    @Test
    void aPermittedRouteUpgradesWithoutCredentials() throws Exception {
        // Spring Security's anonymous user is no principal (getUserPrincipal() is null for it)
        assertThat(whoami("/open/whoami", ConnectOptions.defaults())).isEqualTo("anonymous/null");
    }

    @Test
    void pagesStillWorkOnTheSamePort() throws Exception {
        HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/public")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.body()).isEqualTo("public");
        HttpResponse<String> secured = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/private")).header("Authorization", basic("ada", "secret")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(secured.body()).isEqualTo("private ada");
    }

    @Test
    void aHandshakeFromAnotherOriginIsRefusedWith403() {
        ConnectOptions hostile = ConnectOptions.builder().header("Authorization", basic("ada", "secret"))
                .origin("http://evil.example").build();
        assertThat(refusal(client.connect(ws("/secure/whoami"), hostile, new WebSocketHandler() {
        }))).isEqualTo(403);
    }

    private static String cookie(HttpResponse<?> response) {
        return response.headers().firstValue("Set-Cookie").map(OnePortSecurityTests::cookieOf).orElseThrow();
    }

    private static String cookieOf(String setCookie) {
        int semicolon = setCookie.indexOf(';');
        return semicolon < 0 ? setCookie : setCookie.substring(0, semicolon);
    }
}
