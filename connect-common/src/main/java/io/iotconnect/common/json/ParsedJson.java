package io.iotconnect.common.json;

/**
 * One parsed JSON document.
 *
 * @param value the document as plain Java values (see {@link JsonPayloadParser})
 * @param shape the document's shape signature, or null when it was not asked for
 */
public record ParsedJson(Object value, String shape) {
}
