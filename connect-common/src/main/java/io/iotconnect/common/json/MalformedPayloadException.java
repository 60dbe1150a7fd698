package io.iotconnect.common.json;

import org.apache.kafka.connect.errors.DataException;

/**
 * A payload that is not a well-formed document of the expected format. Carries where parsing stopped, so the reason
 * can travel with the raw payload to an error topic and an operator can find the fault in it.
 */
public class MalformedPayloadException extends DataException {

    private final long byteOffset;
    private final int line;
    private final int column;

    public MalformedPayloadException(String reason, long byteOffset, int line, int column) {
        super(reason);
        this.byteOffset = byteOffset;
        this.line = line;
        this.column = column;
    }

    /** The reason, without the position. */
    public String reason() {
        return super.getMessage();
    }

    /** Byte offset into the payload where parsing failed, or -1 when unknown. */
    public long byteOffset() {
        return byteOffset;
    }

    /** 1-based line where parsing failed, or -1 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based column where parsing failed, or -1 when unknown. */
    public int column() {
        return column;
    }

    /** Position as {@code byte 12, line 1, column 13}, or {@code unknown}. */
    public String position() {
        if (byteOffset < 0 && line < 0) {
            return "unknown";
        }
        StringBuilder text = new StringBuilder();
        if (byteOffset >= 0) {
            text.append("byte ").append(byteOffset);
        }
        if (line >= 0) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append("line ").append(line).append(", column ").append(column);
        }
        return text.toString();
    }

    @Override
    public String getMessage() {
        return reason() + " (at " + position() + ")";
    }
}
