package io.iotconnect.cosmos.config;

/** What a record with a null value does. */
public enum TombstoneHandling { DELETE, IGNORE, FAIL }
