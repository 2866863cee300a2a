package dev.seed.websocket.internal;

import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Creates TLS engines with the project's defaults: TLS 1.2 and 1.3 only. */
final class Tls {

    private Tls() {
    }

    /** A server's engine: its protocols, cipher suites (empty: the JVM's) and client authentication. */
    static SSLEngine serverEngine(EndpointConfig config) {
        SSLEngine engine = config.sslContext().createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(enabled(engine, config.tlsProtocols()));
        ciphers(engine, config.tlsCipherSuites());
        switch (config.clientAuth()) {
            case NEED -> engine.setNeedClientAuth(true);
            case WANT -> engine.setWantClientAuth(true);
            default -> engine.setWantClientAuth(false);
        }
        return engine;
    }

    static SSLEngine clientEngine(SSLContext context, EndpointConfig config, String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(enabled(engine, config.tlsProtocols()));
        ciphers(engine, config.tlsCipherSuites());
        SSLParameters params = engine.getSSLParameters();
        // RFC 6125 host name verification and SNI, as browsers do for wss.
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        return engine;
    }

    private static void ciphers(SSLEngine engine, List<String> wanted) {
        if (wanted.isEmpty()) {
            return;
        }
        List<String> supported = Arrays.asList(engine.getSupportedCipherSuites());
        String[] out = wanted.stream().filter(supported::contains).toArray(String[]::new);
        if (out.length == 0) {
            throw new IllegalArgumentException("None of the TLS cipher suites " + wanted + " is supported by this JVM");
        }
        engine.setEnabledCipherSuites(out);
    }

    private static String[] enabled(SSLEngine engine, List<String> wanted) {
        List<String> supported = Arrays.asList(engine.getSupportedProtocols());
        String[] out = wanted.stream().filter(supported::contains).toArray(String[]::new);
        if (out.length == 0) {
            throw new IllegalArgumentException("None of the TLS protocols " + wanted + " is supported by this JVM");
        }
        return out;
    }
}
