package dev.seed.websocket.interop;

import dev.seed.websocket.it.TestTls;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;

/**
 * The test certificate and key of {@link TestTls} as PEM files, for peers in other processes
 * (Node, Python) that do not read PKCS#12. Written with the JDK alone: the certificate in X.509
 * DER, the key in PKCS#8 DER, each Base64 in PEM armour.
 */
final class PemFiles {

    private static Path cert;
    private static Path key;

    private PemFiles() {
    }

    static synchronized Path certificate() throws Exception {
        export();
        return cert;
    }

    static synchronized Path privateKey() throws Exception {
        export();
        return key;
    }

    private static void export() throws Exception {
        if (cert != null) {
            return;
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TestTls.keyStoreFile())) {
            ks.load(in, TestTls.password().toCharArray());
        }
        Certificate c = ks.getCertificate("localhost");
        Key k = ks.getKey("localhost", TestTls.password().toCharArray());
        Path dir = TestTls.keyStoreFile().getParent();
        Path certFile = dir.resolve("localhost-cert.pem");
        Path keyFile = dir.resolve("localhost-key.pem");
        Files.writeString(certFile, pem("CERTIFICATE", c.getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(keyFile, pem("PRIVATE KEY", k.getEncoded()), StandardCharsets.US_ASCII);
        cert = certFile;
        key = keyFile;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
