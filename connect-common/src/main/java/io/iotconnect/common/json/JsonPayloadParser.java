package io.iotconnect.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one JSON document (a device payload) into plain Java values: {@code Map<String, Object>} (insertion ordered),
 * {@code List<Object>}, {@code String}, {@code Long}, {@code Double}, {@code Boolean} and {@code null}.
 *
 * <p>While parsing it also writes the document's <em>shape</em>: a compact signature of field names and value types
 * that {@link JsonSchemaInference} uses as its cache key, so a schema is inferred once per shape and not per message.
 *
 * <p>Anything that is not exactly one well-formed JSON document within the limits is rejected with a
 * {@link MalformedPayloadException} carrying the reason and the position: bad UTF-8, truncation, trailing data,
 * duplicate keys, nesting, size, field count or field name length beyond the limits, arrays whose elements disagree
 * in type, and numbers the value cannot hold. The JSON path in a reason ({@code $.a.v[1]}) is built from the parser's
 * own context when a failure is reported, never per field.
 *
 * <p>Numbers, in either {@link NumberMode}: an integer literal beyond 64 bits is rejected; a number whose magnitude
 * is beyond a 64-bit float's ({@code 1e999999}, {@code -1e400}) is rejected rather than read as an infinity, which no
 * Connect converter can carry honestly (JSON has no Infinity; Kafka's JsonConverter would write the string
 * "Infinity"); a non-zero number too small for a 64-bit float ({@code 1e-999999}) reads as 0.0 (-0.0 when negative),
 * the nearest double, as every JSON reader rounds it; a number literal longer than {@value #MAX_NUMBER_LENGTH}
 * characters is rejected. Instances are immutable and thread-safe.
 */
public final class JsonPayloadParser {

    /** How JSON numbers become Connect values. */
    public enum NumberMode {
        /** Integer literals become INT64 (beyond 64 bits: rejected), others FLOAT64 (beyond its range: rejected). */
        INFER,
        /** Every number becomes FLOAT64; integers beyond +-2^53 are rejected rather than rounded, as in {@link #INFER}
         * numbers beyond a FLOAT64's range. */
        FLOAT64
    }

    static final long MAX_EXACT_DOUBLE_INTEGER = 1L << 53;

    /** Longest number literal read, in characters (Jackson's default, stated here because it is part of the contract). */
    public static final int MAX_NUMBER_LENGTH = 1000;

    /** Number literals longer than this are shown cut short in reasons, which travel in record headers. */
    private static final int MAX_SHOWN_NUMBER_LENGTH = 40;

    private final JsonFactory factory;
    private final NumberMode numberMode;
    private final int maxBytes;
    private final int maxFields;
    private final int maxNameLength;

    public JsonPayloadParser(JsonLimits limits, NumberMode numberMode) {
        this.numberMode = numberMode;
        this.maxBytes = limits.maxBytes();
        this.maxFields = limits.maxFields();
        this.maxNameLength = limits.maxNameLength();
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxDocumentLength(limits.maxBytes())
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
        factory.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    }

    public NumberMode numberMode() {
        return numberMode;
    }

    /** Parses a payload, also computing its shape signature. */
    public ParsedJson parse(byte[] payload) {
        return parse(payload, true);
    }

    /** Parses a payload; the shape signature is computed only when {@code withShape} is true. */
    public ParsedJson parse(byte[] payload, boolean withShape) {
        if (payload.length > maxBytes) {
            throw new MalformedPayloadException(
                    "payload of " + payload.length + " bytes exceeds the limit of " + maxBytes + " bytes", 0, -1, -1);
        }
        if (payload.length == 0) {
            throw new MalformedPayloadException("empty payload: expected a JSON document", 0, 1, 1);
        }
        try (JsonParser parser = factory.createParser(payload)) {
            try {
                return readDocument(parser, withShape);
            } catch (JsonProcessingException e) {
                // Limit violations (number length, nesting, string length) carry no location; the parser knows it.
                JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
                throw new MalformedPayloadException(e.getOriginalMessage(), at.getByteOffset(), at.getLineNr(), at.getColumnNr());
            }
        } catch (MalformedPayloadException e) {
            throw e;
        } catch (IOException e) {
            // Parsing a byte array does no I/O; anything here is a parse failure without a location.
            throw new MalformedPayloadException(String.valueOf(e.getMessage()), -1, -1, -1);
        }
    }

    private ParsedJson readDocument(JsonParser parser, boolean withShape) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw failure(parser, "no JSON value in payload (only white space)");
        }
        Document document = new Document(parser);
        StringBuilder shape = withShape ? new StringBuilder(64) : null;
        Object value = document.readValue(first, shape);
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw failure(parser, "unexpected data after the end of the JSON document: " + trailing.asString());
        }
        return new ParsedJson(value, shape == null ? null : shape.toString());
    }

    /** One document being read: the parser and the count of fields so far. */
    private final class Document {
        private final JsonParser parser;
        private int fields;

        Document(JsonParser parser) {
            this.parser = parser;
        }

        Object readValue(JsonToken token, StringBuilder shape) throws IOException {
            switch (token) {
                case START_OBJECT:
                    return readObject(shape);
                case START_ARRAY:
                    return readArray(shape);
                case VALUE_STRING:
                    append(shape, 's');
                    return parser.getText();
                case VALUE_NUMBER_INT:
                    return readInteger(shape);
                case VALUE_NUMBER_FLOAT:
                    append(shape, 'd');
                    return readFloat();
                case VALUE_TRUE:
                    append(shape, 'b');
                    return Boolean.TRUE;
                case VALUE_FALSE:
                    append(shape, 'b');
                    return Boolean.FALSE;
                case VALUE_NULL:
                    append(shape, 'n');
                    return null;
                default:
                    throw failure(parser, "unexpected token " + token + " at " + path(parser.getParsingContext()));
            }
        }

        private Object readInteger(StringBuilder shape) throws IOException {
            if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw failure(parser, "integer " + shownNumber(parser) + " at " + path(parser.getParsingContext())
                        + " does not fit in 64 bits");
            }
            long value = parser.getLongValue();
            if (numberMode == NumberMode.FLOAT64) {
                if (value > MAX_EXACT_DOUBLE_INTEGER || value < -MAX_EXACT_DOUBLE_INTEGER) {
                    throw failure(parser, "integer " + value + " at " + path(parser.getParsingContext())
                            + " cannot be represented exactly as a 64-bit float (number mode float64)");
                }
                append(shape, 'd');
                return (double) value;
            }
            append(shape, 'i');
            return value;
        }

        private double readFloat() throws IOException {
            double value = parser.getDoubleValue();
            if (!Double.isFinite(value)) {
                throw failure(parser, "number " + shownNumber(parser) + " at " + path(parser.getParsingContext())
                        + " is beyond the range of a 64-bit float (magnitude up to " + Double.MAX_VALUE + "); it would be read as "
                        + value);
            }
            return value;
        }

        private Map<String, Object> readObject(StringBuilder shape) throws IOException {
            Map<String, Object> object = new LinkedHashMap<>();
            if (shape != null) {
                shape.append('{');
            }
            boolean firstField = true;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (++fields > maxFields) {
                    throw failure(parser, "more than " + maxFields + " fields in one payload (the limit; at "
                            + path(parser.getParsingContext()) + ")");
                }
                if (name.length() > maxNameLength) {
                    throw failure(parser, "a field name of " + name.length() + " characters at "
                            + path(parser.getParsingContext().getParent()) + " exceeds the limit of " + maxNameLength);
                }
                JsonToken valueToken = parser.nextToken();
                if (valueToken == JsonToken.VALUE_NULL) {
                    // Nulls are kept in the value but left out of the shape: inferred fields are optional anyway.
                    object.put(name, null);
                    continue;
                }
                if (shape != null) {
                    if (!firstField) {
                        shape.append(',');
                    }
                    shape.append(name.length()).append(':').append(name).append('=');
                }
                firstField = false;
                object.put(name, readValue(valueToken, shape));
            }
            if (token != JsonToken.END_OBJECT) {
                throw failure(parser, "unexpected token " + token + " in object at " + path(parser.getParsingContext().getParent()));
            }
            if (shape != null) {
                shape.append('}');
            }
            return object;
        }

        private List<Object> readArray(StringBuilder shape) throws IOException {
            List<Object> array = new ArrayList<>();
            String elementShape = null;
            JsonToken token;
            StringBuilder scratch = shape == null ? null : new StringBuilder(16);
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw failure(parser, "unexpected end of input in array at " + path(parser.getParsingContext().getParent()));
                }
                if (token == JsonToken.VALUE_NULL) {
                    array.add(null);
                    continue;
                }
                if (scratch != null) {
                    scratch.setLength(0);
                }
                array.add(readValue(token, scratch));
                if (scratch != null) {
                    String current = scratch.toString();
                    if (elementShape == null) {
                        elementShape = current;
                    } else if (!elementShape.equals(current)) {
                        JsonStreamContext element = parser.getParsingContext();
                        throw failure(parser, "array at " + path(element.getParent()) + " mixes element types ("
                                + describe(elementShape) + " and " + describe(current) + " at " + path(element)
                                + "); a schema needs one element type");
                    }
                }
            }
            if (shape != null) {
                shape.append('[').append(elementShape == null ? "?" : elementShape).append(']');
            }
            return array;
        }
    }

    /**
     * The JSON path of the value a context is at ({@code $}, {@code $.a.b}, {@code $.v[1]}): the object's current
     * field name, or the array's current index, after the path of the context around it.
     */
    static String path(JsonStreamContext context) {
        if (context == null || context.inRoot()) {
            return "$";
        }
        StringBuilder path = new StringBuilder();
        appendPath(context, path);
        return path.toString();
    }

    private static void appendPath(JsonStreamContext context, StringBuilder path) {
        if (context == null || context.inRoot()) {
            path.append('$');
            return;
        }
        appendPath(context.getParent(), path);
        if (context.inArray()) {
            path.append('[').append(Math.max(0, context.getCurrentIndex())).append(']');
        } else if (context.getCurrentName() != null) {
            path.append('.').append(context.getCurrentName());
        }
    }

    /** The number literal as written, cut short when long. */
    private static String shownNumber(JsonParser parser) throws IOException {
        String text = parser.getText();
        if (text.length() <= MAX_SHOWN_NUMBER_LENGTH) {
            return text;
        }
        return text.substring(0, MAX_SHOWN_NUMBER_LENGTH) + "... (" + text.length() + " characters)";
    }

    private static String describe(String shape) {
        switch (shape.charAt(0)) {
            case 's': return "string";
            case 'i': return "integer";
            case 'd': return "number";
            case 'b': return "boolean";
            case '{': return "object " + shape;
            case '[': return "array";
            default: return shape;
        }
    }

    private static void append(StringBuilder shape, char type) {
        if (shape != null) {
            shape.append(type);
        }
    }

    private static MalformedPayloadException failure(JsonParser parser, String reason) {
        JsonLocation at = parser.currentTokenLocation();
        return new MalformedPayloadException(reason, at.getByteOffset(), at.getLineNr(), at.getColumnNr());
    }
}
