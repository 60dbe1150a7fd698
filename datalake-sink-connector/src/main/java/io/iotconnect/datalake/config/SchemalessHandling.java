package io.iotconnect.datalake.config;

/**
 * What a value without a Connect schema (a map from a schemaless JSON converter) becomes when the format is Parquet or
 * Avro: JSON lines files of their own beside the typed files, or typed files with a schema inferred from the values.
 */
public enum SchemalessHandling { JSON, INFER }
