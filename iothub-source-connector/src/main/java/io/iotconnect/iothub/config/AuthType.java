package io.iotconnect.iothub.config;

/** How the connector signs in to the Event Hubs-compatible endpoint. */
public enum AuthType { CONNECTION_STRING, CLIENT_SECRET, MANAGED_IDENTITY, WORKLOAD_IDENTITY }
