package dev.seed.websocket.it;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1/localhost, made once per test JVM with the JDK's own
 * keytool, and TLS contexts for a server and a client that trusts it.
 */
public final class TestTls {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static KeyStore keyStore;
    private static Path keyStorePath;

    private TestTls() {
    }

    /** The PKCS#12 key store file (for peers started as other processes). */
    public static synchronized Path keyStoreFile() throws Exception {
        if (keyStorePath == null) {
            Path dir = Files.createDirectories(Path.of("target", "tls"));
            Path file = dir.resolve("localhost.p12");
            if (!Files.exists(file)) {
                Path tmp = dir.resolve("localhost-" + ProcessHandle.current().pid() + ".p12");
                String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
                Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "localhost", "-keyalg", "EC",
                        "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                        "-validity", "3650", "-storetype", "PKCS12", "-keystore", tmp.toString(),
                        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException("keytool failed: " + out);
                }
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            keyStorePath = file;
        }
        return keyStorePath;
    }

    /** The key store password. */
    public static String password() {
        return new String(PASSWORD);
    }

    private static synchronized KeyStore keyStore() throws Exception {
        if (keyStore == null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStoreFile())) {
                ks.load(in, PASSWORD);
            }
            keyStore = ks;
        }
        return keyStore;
    }

    /** A server context with the self-signed key. */
    public static SSLContext serverContext() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore(), PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** A client context that trusts the self-signed certificate. */
    public static SSLContext clientContext() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keyStore());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
