package io.iotconnect.datalake.config;

/** How the connector signs in to the storage account. */
public enum AuthType { ACCOUNT_KEY, SAS, CLIENT_SECRET, MANAGED_IDENTITY, WORKLOAD_IDENTITY }
