package dev.seed.websocket.spring.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made once per test JVM with the JDK's own
 * keytool: a PKCS#12 key store for the server's SSL bundle and the certificate in PEM for the
 * client's trust bundle.
 */
final class TestCertificates {

    static final String PASSWORD = "changeit";
    private static Path dir;

    private TestCertificates() {
    }

    /** The PKCS#12 key store with the key and certificate. */
    static synchronized Path keyStore() throws Exception {
        make();
        return dir.resolve("server.p12");
    }

    /** The certificate alone, PEM encoded. */
    static synchronized Path certificatePem() throws Exception {
        make();
        return dir.resolve("server.crt");
    }

    /** A second server key store: CN=renewed, for the same names (a renewed certificate). */
    static synchronized Path renewedKeyStore() throws Exception {
        make();
        return dir.resolve("renewed.p12");
    }

    /** The client's key store: CN=client, for mutual TLS. */
    static synchronized Path clientKeyStore() throws Exception {
        make();
        return dir.resolve("client.p12");
    }

    /** A trust store with the client's certificate: what a server that asks for one trusts. */
    static synchronized Path clientTrustStore() throws Exception {
        make();
        return dir.resolve("client-trust.p12");
    }

    /** A trust store with both server certificates (the first and the renewed one). */
    static synchronized Path serverTrustStore() throws Exception {
        make();
        return dir.resolve("server-trust.p12");
    }

    private static void make() throws Exception {
        if (dir != null) {
            return;
        }
        Path target = Files.createDirectories(Path.of("target", "tls-" + ProcessHandle.current().pid()));
        Path p12 = target.resolve("server.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "3650",
                "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=renewed", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "3650",
                "-storetype", "PKCS12", "-keystore", target.resolve("renewed.p12").toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=client", "-validity", "3650", "-storetype", "PKCS12",
                "-keystore", target.resolve("client.p12").toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        trust(target, "client.p12", "client", "client-trust.p12", "client");
        trust(target, "server.p12", "server", "server-trust.p12", "server");
        trust(target, "renewed.p12", "server", "server-trust.p12", "renewed");
        Path pem = target.resolve("server.crt.tmp");
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", p12.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        Files.move(pem, target.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING);
        dir = target;
    }

    /** Copies the certificate of {@code alias} in {@code from} into the trust store {@code to} as {@code as}. */
    private static void trust(Path dir, String from, String alias, String to, String as) throws Exception {
        Path cert = dir.resolve(as + ".cer");
        keytool("-exportcert", "-alias", alias, "-keystore", dir.resolve(from).toString(), "-storepass", PASSWORD,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", as, "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", dir.resolve(to).toString(), "-storepass", PASSWORD);
    }

    private static void keytool(String... args) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        String[] command = new String[args.length + 1];
        command[0] = keytool;
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }
}
