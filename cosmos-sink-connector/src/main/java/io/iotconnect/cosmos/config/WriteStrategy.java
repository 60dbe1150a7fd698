package io.iotconnect.cosmos.config;

/** How a document is written. */
public enum WriteStrategy { UPSERT, CREATE, REPLACE, UPSERT_IF_NEWER, PATCH }
