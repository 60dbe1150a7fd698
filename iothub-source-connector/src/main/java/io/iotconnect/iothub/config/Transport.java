package io.iotconnect.iothub.config;

/** The wire: AMQP on port 5671, or AMQP over WebSockets on 443 (needed behind a proxy or a firewall that only opens 443). */
public enum Transport { AMQP, AMQP_WEB_SOCKETS }
