package io.fabstir.localservices.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate issued by a {@link TestCa}, with the files written for it in the CA's directory.
 *
 * @param name            the common name; also the file name stem
 * @param certificate     the certificate
 * @param privateKey      its private key
 * @param certificatePem  {@code <name>.crt}: the certificate as PEM
 * @param keyPem          {@code <name>.key}: the private key as unencrypted PKCS#8 PEM (mode 600)
 * @param keyAndChainPem  {@code <name>.pem}: key, certificate and CA certificate in one PEM file (Kafka
 *                        {@code ssl.keystore.type=PEM})
 * @param keystore        {@code <name>.p12}: key and chain as a PKCS12 key store, alias {@code name}
 * @param storePassword   the password of {@code keystore} (and of its key entry)
 */
public record IssuedCertificate(String name, X509Certificate certificate, PrivateKey privateKey, Path certificatePem,
                                Path keyPem, Path keyAndChainPem, Path keystore, String storePassword) {
    @Override
    public String toString() {
        return "IssuedCertificate[" + certificate.getSubjectX500Principal().getName() + ", " + keystore + "]";
    }
}
