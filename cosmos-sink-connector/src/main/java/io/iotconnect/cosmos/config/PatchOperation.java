package io.iotconnect.cosmos.config;

/** What a patch does with one field of the record's document. */
public enum PatchOperation { SET, REPLACE, INCREMENT, APPEND, IGNORE }
