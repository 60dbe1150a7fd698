package io.iotconnect.mqtt.config;

import org.apache.kafka.common.config.types.Password;

/**
 * TLS material for ssl:// and wss:// broker URIs. Store types are upper case (PKCS12, JKS, PEM). Secrets stay
 * {@link Password}s so they never reach a log line through toString.
 */
public record TlsSettings(
        String protocol,
        String truststoreType,
        String truststoreLocation,
        Password truststorePassword,
        Password truststoreCertificates,
        String keystoreType,
        String keystoreLocation,
        Password keystorePassword,
        Password keyPassword,
        Password keystoreCertificateChain,
        Password keystoreKey,
        boolean endpointIdentification) {

    public boolean hasTruststore() {
        return isSet(truststoreLocation) || truststoreCertificates != null;
    }

    public boolean hasKeystore() {
        return isSet(keystoreLocation) || keystoreCertificateChain != null || keystoreKey != null;
    }

    static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
