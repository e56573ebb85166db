package dev.dmap.devkit.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and a broker certificate signed by it, made with the JDK's
 * {@code keytool} (run as a process, as an operator would), for a {@link SaslSslListener} on
 * loopback. Clients trust the CA through {@link #truststore()}, and verify the broker's host name
 * against the certificate's subject alternative names ({@code 127.0.0.1}, {@code localhost}), as
 * Kafka clients do by default. For tests and demos only: the CA's key sits next to it, unprotected
 * beyond a random password.
 *
 * @param keystore           the broker's PKCS12 keystore: its key, its certificate and the CA's
 * @param keystorePassword   the keystore's (and the key's) password
 * @param truststore         a PKCS12 truststore holding only the CA certificate, for clients
 * @param truststorePassword the truststore's password
 * @param caCertificate      the CA certificate in PEM, for clients that take {@code ssl.truststore.type=PEM}
 */
public record LocalCertificates(Path keystore, String keystorePassword, Path truststore, String truststorePassword,
        Path caCertificate) {
    private static final String HOSTS = "SAN=ip:127.0.0.1,dns:localhost";
    private static final String VALIDITY_DAYS = "30";

    /** Makes the CA, the broker's keystore and the clients' truststore in {@code dir}. */
    public static LocalCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
            String caPassword = randomPassword();
            String keystorePassword = randomPassword();
            String truststorePassword = randomPassword();
            Path ca = dir.resolve("ca.p12");
            Path caPem = dir.resolve("ca.pem");
            Path keystore = dir.resolve("broker.p12");
            Path request = dir.resolve("broker.csr");
            Path signed = dir.resolve("broker.pem");
            Path truststore = dir.resolve("truststore.p12");
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=dmap test CA",
                    "-ext", "bc:c", "-validity", VALIDITY_DAYS, "-storetype", "PKCS12", "-keystore", ca, "-storepass", caPassword);
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", caPassword, "-file", caPem);
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                    "-ext", HOSTS, "-validity", VALIDITY_DAYS, "-storetype", "PKCS12", "-keystore", keystore,
                    "-storepass", keystorePassword);
            keytool("-certreq", "-alias", "broker", "-keystore", keystore, "-storepass", keystorePassword, "-file", request);
            keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", caPassword, "-infile", request,
                    "-outfile", signed, "-ext", HOSTS, "-ext", "eku=serverAuth", "-validity", VALIDITY_DAYS);
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem, "-keystore", keystore,
                    "-storepass", keystorePassword);
            keytool("-importcert", "-alias", "broker", "-file", signed, "-keystore", keystore, "-storepass", keystorePassword);
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem, "-storetype", "PKCS12",
                    "-keystore", truststore, "-storepass", truststorePassword);
            return new LocalCertificates(keystore, keystorePassword, truststore, truststorePassword, caPem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The broker side of a SASL_SSL listener on a free port, with one SCRAM-SHA-512 user. */
    public SaslSslListener listener(String user, String password) {
        return SaslSslListener.of(keystore, keystorePassword, user, password);
    }

    /** Passwords hidden. */
    @Override
    public String toString() {
        return "LocalCertificates[keystore=" + keystore + ", truststore=" + truststore + ", caCertificate=" + caCertificate + "]";
    }

    private static String randomPassword() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void keytool(Object... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        for (Object arg : args) {
            command.add(arg.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
