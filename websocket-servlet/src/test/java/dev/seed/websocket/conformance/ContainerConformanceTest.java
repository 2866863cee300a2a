package dev.seed.websocket.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.servlet.Container;
import dev.seed.websocket.servlet.WebSocketUpgradeFilter;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Every conformance case of every group of core's suite, in the server role, against our server
 * hosted on a servlet container's port, Tomcat and Jetty: built with {@code listen(false)} and
 * served through {@link WebSocketUpgradeFilter} (Tomcat's own upgrade handler kind on Tomcat,
 * Jetty's own connection upgrade on Jetty, and the Servlet API's upgrade, the path of every other
 * container, on Tomcat). The same echo route,
 * extensions and close reporting as {@link EndpointUnderTest.Server}, and the same
 * {@link CaseRunner} with its exact expectations. The groups are found in core's test classes
 * (every concrete {@link ConformanceGroupTest}), so a group added there runs here too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerConformanceTest {

    /** Our server on a container's port: the peer connects to the container. */
    static final class OnContainer extends EndpointUnderTest.Server {
        private final Container container;

        OnContainer(Container.Kind kind) throws Exception {
            super(b -> b.listen(false));
            try {
                container = Container.start(kind, List.of(Container.upgradeFilter(kind, server)));
            } catch (Exception | Error e) {
                super.close();
                throw e;
            }
        }

        @Override
        int port() {
            return container.port();
        }

        @Override
        public void close() {
            try {
                super.close(); // the server first: its connections close, then the container stops
            } finally {
                try {
                    container.close();
                } catch (Exception e) {
                    throw new IllegalStateException("the container did not stop", e);
                }
            }
        }
    }

    private OnContainer tomcat;
    private OnContainer jetty;
    private OnContainer tomcatServletApi;
    private OnContainer tomcatWithoutAsyncIo;

    @BeforeAll
    void startEndpoints() throws Exception {
        tomcat = new OnContainer(Container.Kind.TOMCAT);
        jetty = new OnContainer(Container.Kind.JETTY);
        tomcatServletApi = new OnContainer(Container.Kind.TOMCAT_SERVLET_API);
        tomcatWithoutAsyncIo = new OnContainer(Container.Kind.TOMCAT_WITHOUT_ASYNC_IO);
    }

    @AfterAll
    void stopEndpoints() {
        for (OnContainer c : new OnContainer[] {tomcat, jetty, tomcatServletApi, tomcatWithoutAsyncIo}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @TestFactory
    Stream<DynamicContainer> againstOurServerOnTomcat() {
        return against(tomcat);
    }

    @TestFactory
    Stream<DynamicContainer> againstOurServerOnJetty() {
        return against(jetty);
    }

    /** Tomcat's own upgrade kind on a connector without asynchronous I/O (non-blocking writes, write dispatches). */
    @TestFactory
    Stream<DynamicContainer> againstOurServerOnTomcatWithoutAsyncIo() {
        return against(tomcatWithoutAsyncIo);
    }

    /** The Servlet API's upgrade, which containers other than Tomcat and Jetty get, on Tomcat. */
    @TestFactory
    Stream<DynamicContainer> againstOurServerThroughTheServletApi() {
        return against(tomcatServletApi);
    }

    private static Stream<DynamicContainer> against(OnContainer server) {
        return groups().stream().map(group -> DynamicContainer.dynamicContainer(group.getSimpleName(),
                cases(group).stream().map(cc -> DynamicTest.dynamicTest(cc.displayName(),
                        () -> CaseRunner.run(cc, server)))));
    }

    /** The discovery finds the groups core runs (at least these; any later one too). */
    @Test
    void everyGroupOfCoresSuiteIsFound() {
        assertThat(groups()).contains(Group1FramingTest.class, Group2PingPongTest.class, Group3ReservedBitsTest.class,
                Group4OpcodesTest.class, Group5FragmentationTest.class, Group6Utf8Test.class,
                Group6Utf8SplitTest.class, Group7CloseTest.class, Group9LimitsTest.class,
                Group10AutoFragmentationTest.class, Group12DeflateTest.class, Group13DeflateParametersTest.class,
                ViolationsTest.class);
        for (Class<? extends ConformanceGroupTest> group : groups()) {
            assertThat(cases(group)).as(group.getSimpleName()).isNotEmpty();
        }
    }

    // ------------------------------------------------------------------ core's groups

    private static final String PACKAGE = ConformanceGroupTest.class.getPackageName().replace('.', '/');
    private static final Pattern GROUP_NUMBER = Pattern.compile("^Group(\\d+)");

    /**
     * The concrete subclasses of {@link ConformanceGroupTest} among core's test classes (a
     * directory when the reactor builds core, its test jar otherwise), in group order, the
     * project's own cases last.
     */
    static List<Class<? extends ConformanceGroupTest>> groups() {
        List<Class<? extends ConformanceGroupTest>> groups = new ArrayList<>();
        for (String name : classNames()) {
            Class<?> c;
            try {
                c = Class.forName(name);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            if (ConformanceGroupTest.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) {
                groups.add(c.asSubclass(ConformanceGroupTest.class));
            }
        }
        groups.sort(Comparator.<Class<?>>comparingInt(c -> {
            Matcher m = GROUP_NUMBER.matcher(c.getSimpleName());
            return m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
        }).thenComparing(Class::getSimpleName));
        return groups;
    }

    /** A group's cases, as its test class gives them to core's runner. */
    static List<ConformanceCase> cases(Class<? extends ConformanceGroupTest> group) {
        try {
            Constructor<? extends ConformanceGroupTest> constructor = group.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance().cases();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(group.getName(), e);
        }
    }

    /** The top-level classes of the conformance package where {@link ConformanceGroupTest} was loaded from. */
    private static List<String> classNames() {
        Path root;
        try {
            root = Path.of(ConformanceGroupTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> names = new ArrayList<>();
        try {
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.list(root.resolve(PACKAGE))) {
                    files.map(f -> f.getFileName().toString()).filter(ContainerConformanceTest::topLevelClass)
                            .forEach(f -> names.add(className(PACKAGE + "/" + f)));
                }
            } else {
                try (JarFile jar = new JarFile(root.toFile())) {
                    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                        String entry = entries.nextElement().getName();
                        if (entry.startsWith(PACKAGE + "/") && entry.indexOf('/', PACKAGE.length() + 1) < 0
                                && topLevelClass(entry.substring(PACKAGE.length() + 1))) {
                            names.add(className(entry));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list core's conformance classes in " + root, e);
        }
        return names;
    }

    private static boolean topLevelClass(String fileName) {
        return fileName.endsWith(".class") && fileName.indexOf('$') < 0;
    }

    private static String className(String path) {
        return path.substring(0, path.length() - ".class".length()).replace('/', '.');
    }
}
