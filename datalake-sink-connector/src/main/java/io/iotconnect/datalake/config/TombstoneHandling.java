package io.iotconnect.datalake.config;

/** What a record with a null value does: nothing, fail, or a row with the value's columns null. */
public enum TombstoneHandling { IGNORE, FAIL, WRITE }
