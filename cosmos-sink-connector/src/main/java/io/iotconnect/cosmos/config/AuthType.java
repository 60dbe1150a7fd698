package io.iotconnect.cosmos.config;

/** How the connector signs in to Cosmos DB. */
public enum AuthType { KEY, CLIENT_SECRET, MANAGED_IDENTITY, WORKLOAD_IDENTITY }
