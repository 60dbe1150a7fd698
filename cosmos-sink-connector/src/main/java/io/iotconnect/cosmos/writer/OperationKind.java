package io.iotconnect.cosmos.writer;

/** The Cosmos DB operation a record becomes. */
enum OperationKind { UPSERT, CREATE, REPLACE, DELETE, UPSERT_IF_NEWER, PATCH }
