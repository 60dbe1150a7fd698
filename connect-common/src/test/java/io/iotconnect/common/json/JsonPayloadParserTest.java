package io.iotconnect.common.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonPayloadParserTest {

    private final JsonPayloadParser parser = new JsonPayloadParser(JsonLimits.DEFAULT, JsonPayloadParser.NumberMode.INFER);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesNestedDocumentKeepingFieldOrderAndTypes() {
        ParsedJson parsed = parser.parse(utf8("{\"deviceId\":\"d1\",\"t\":21.5,\"n\":3,\"ok\":true,\"loc\":{\"lat\":1.0},\"v\":[1,2]}"));
        @SuppressWarnings("unchecked")
        Map<String, Object> value = (Map<String, Object>) parsed.value();
        assertThat(value.keySet()).containsExactly("deviceId", "t", "n", "ok", "loc", "v");
        assertThat(value.get("t")).isEqualTo(21.5);
        assertThat(value.get("n")).isEqualTo(3L);
        assertThat(value.get("ok")).isEqualTo(true);
        assertThat(((Map<?, ?>) value.get("loc")).get("lat")).isEqualTo(1.0);
        assertThat(value.get("v")).isEqualTo(List.of(1L, 2L));
    }

    @Test
    void sameShapeGivesSameSignatureAndDifferentShapesDiffer() {
        String a = parser.parse(utf8("{\"t\":1.5,\"h\":40.0}")).shape();
        String b = parser.parse(utf8("{\"t\":9.25,\"h\":0.5}")).shape();
        String drift = parser.parse(utf8("{\"t\":\"hot\",\"h\":0.5}")).shape();
        String reordered = parser.parse(utf8("{\"h\":0.5,\"t\":9.25}")).shape();
        assertThat(a).isEqualTo(b);
        assertThat(drift).isNotEqualTo(a);
        assertThat(reordered).isNotEqualTo(a);
    }

    @Test
    void fieldNamesCannotForgeAShape() {
        String one = parser.parse(utf8("{\"a=s,1:b\":\"x\"}")).shape();
        String two = parser.parse(utf8("{\"a\":\"x\",\"b\":\"y\"}")).shape();
        assertThat(one).isNotEqualTo(two);
    }

    @Test
    void nullFieldsStayInValueButNotInShape() {
        ParsedJson withNull = parser.parse(utf8("{\"t\":1.5,\"x\":null}"));
        ParsedJson without = parser.parse(utf8("{\"t\":1.5}"));
        assertThat(((Map<?, ?>) withNull.value()).containsKey("x")).isTrue();
        assertThat(((Map<?, ?>) withNull.value()).get("x")).isNull();
        assertThat(withNull.shape()).isEqualTo(without.shape());
    }

    @Test
    void float64ModeTurnsIntegersIntoDoublesAndRejectsInexactOnes() {
        JsonPayloadParser floats = new JsonPayloadParser(JsonLimits.DEFAULT, JsonPayloadParser.NumberMode.FLOAT64);
        assertThat(((Map<?, ?>) floats.parse(utf8("{\"t\":21}")).value()).get("t")).isEqualTo(21.0);
        assertThat(floats.parse(utf8("{\"t\":21}")).shape()).isEqualTo(floats.parse(utf8("{\"t\":21.5}")).shape());
        assertThatThrownBy(() -> floats.parse(utf8("{\"t\":9007199254740993}")))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("cannot be represented exactly");
    }

    @Test
    void truncatedDocumentReportsReasonAndPosition() {
        assertThatThrownBy(() -> parser.parse(utf8("{\"t\": 21.5, \"h\":")))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.reason()).containsIgnoringCase("end-of-input");
                    assertThat(e.byteOffset()).isGreaterThan(10);
                    assertThat(e.line()).isEqualTo(1);
                });
    }

    @Test
    void rejectsBadUtf8() {
        byte[] payload = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> parser.parse(payload))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void rejectsBinaryGarbage() {
        byte[] payload = {0x00, 0x01, (byte) 0xFF, 0x10, 0x7F};
        assertThatThrownBy(() -> parser.parse(payload)).isInstanceOf(MalformedPayloadException.class);
    }

    @Test
    void rejectsTrailingDataDuplicateKeysAndEmptyPayloads() {
        assertThatThrownBy(() -> parser.parse(utf8("{\"a\":1} {\"b\":2}")))
                .hasMessageContaining("after the end of the JSON document");
        assertThatThrownBy(() -> parser.parse(utf8("{\"a\":1,\"a\":2}")))
                .hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> parser.parse(new byte[0])).hasMessageContaining("empty payload");
        assertThatThrownBy(() -> parser.parse(utf8("   "))).hasMessageContaining("only white space");
    }

    @Test
    void rejectsMixedArraysAndHugeIntegers() {
        assertThatThrownBy(() -> parser.parse(utf8("{\"v\":[1,\"a\"]}")))
                .hasMessageContaining("array at $.v mixes element types (integer and string at $.v[1])");
        assertThatThrownBy(() -> parser.parse(utf8("{\"v\":123456789012345678901234567890}")))
                .hasMessageContaining("does not fit in 64 bits");
    }

    @Test
    void numbersBeyondADoublesRangeAreRejectedInEveryModeNotReadAsInfinity() {
        for (JsonPayloadParser.NumberMode mode : JsonPayloadParser.NumberMode.values()) {
            JsonPayloadParser modeParser = new JsonPayloadParser(JsonLimits.DEFAULT, mode);
            assertThatThrownBy(() -> modeParser.parse(utf8("{\"t\":1e999999}")))
                    .as("mode %s", mode)
                    .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                        assertThat(e.reason()).isEqualTo("number 1e999999 at $.t is beyond the range of a 64-bit float "
                                + "(magnitude up to 1.7976931348623157E308); it would be read as Infinity");
                        assertThat(e.position()).isEqualTo("byte 5, line 1, column 6");
                    });
            assertThatThrownBy(() -> modeParser.parse(utf8("{\"a\":{\"v\":[1.5,-1e999999]}}")))
                    .as("mode %s", mode)
                    .hasMessageContaining("number -1e999999 at $.a.v[1] is beyond the range of a 64-bit float")
                    .hasMessageContaining("read as -Infinity");
            assertThatThrownBy(() -> modeParser.parse(utf8("{\"t\":1.7976931348623159E308}")))
                    .as("just past Double.MAX_VALUE, mode %s", mode)
                    .hasMessageContaining("beyond the range of a 64-bit float");
            assertThat(((Map<?, ?>) modeParser.parse(utf8("{\"t\":1.7976931348623157E308}")).value()).get("t"))
                    .as("Double.MAX_VALUE itself, mode %s", mode)
                    .isEqualTo(Double.MAX_VALUE);
        }
    }

    @Test
    void numbersTooSmallForADoubleReadAsZeroWithTheirSign() {
        for (JsonPayloadParser.NumberMode mode : JsonPayloadParser.NumberMode.values()) {
            Map<?, ?> value = (Map<?, ?>) new JsonPayloadParser(JsonLimits.DEFAULT, mode)
                    .parse(utf8("{\"a\":1e-999999,\"b\":-1e-999999,\"c\":4.9e-324}")).value();
            assertThat(value.get("a")).as("mode %s", mode).isEqualTo(0.0);
            assertThat(value.get("b")).as("mode %s", mode).isEqualTo(-0.0);
            assertThat(value.get("c")).as("smallest subnormal is kept, mode %s", mode).isEqualTo(Double.MIN_VALUE);
        }
    }

    @Test
    void integersBeyond64BitsAreRejectedInEveryModeAndShownCutShort() {
        String digits400 = "1" + "0".repeat(400);
        for (JsonPayloadParser.NumberMode mode : JsonPayloadParser.NumberMode.values()) {
            JsonPayloadParser modeParser = new JsonPayloadParser(JsonLimits.DEFAULT, mode);
            assertThatThrownBy(() -> modeParser.parse(utf8("{\"n\":9223372036854775808}")))
                    .as("Long.MAX_VALUE + 1, mode %s", mode)
                    .hasMessageContaining("integer 9223372036854775808 at $.n does not fit in 64 bits");
            assertThatThrownBy(() -> modeParser.parse(utf8("{\"n\":-9223372036854775809}")))
                    .as("Long.MIN_VALUE - 1, mode %s", mode)
                    .hasMessageContaining("integer -9223372036854775809 at $.n does not fit in 64 bits");
            assertThatThrownBy(() -> modeParser.parse(utf8("{\"n\":" + digits400 + "}")))
                    .as("mode %s", mode)
                    .isInstanceOfSatisfying(MalformedPayloadException.class, e -> assertThat(e.reason())
                            .isEqualTo("integer " + digits400.substring(0, 40) + "... (401 characters) at $.n does not fit in 64 bits"));
        }
        assertThat(parser.parse(utf8("{\"n\":9223372036854775807}")).value()).isEqualTo(Map.of("n", Long.MAX_VALUE));
        assertThat(parser.parse(utf8("{\"n\":-9223372036854775808}")).value()).isEqualTo(Map.of("n", Long.MIN_VALUE));
    }

    @Test
    void nonNumericNumbersAndOverlongNumbersAreRejected() {
        assertThatThrownBy(() -> parser.parse(utf8("{\"t\":NaN}"))).isInstanceOf(MalformedPayloadException.class);
        assertThatThrownBy(() -> parser.parse(utf8("{\"t\":Infinity}"))).isInstanceOf(MalformedPayloadException.class);
        assertThatThrownBy(() -> parser.parse(utf8("{\"t\":-Infinity}"))).isInstanceOf(MalformedPayloadException.class);
        String overlong = "0." + "1".repeat(JsonPayloadParser.MAX_NUMBER_LENGTH);
        assertThatThrownBy(() -> parser.parse(utf8("{\"t\":" + overlong + "}")))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.reason()).contains("Number value length").contains("1000");
                    assertThat(e.byteOffset()).as("position known, not 'unknown'").isPositive();
                });
    }

    @Test
    void enforcesDepthAndSizeLimits() {
        JsonPayloadParser strict = new JsonPayloadParser(new JsonLimits(100, 3, 10), JsonPayloadParser.NumberMode.INFER);
        assertThatThrownBy(() -> strict.parse(utf8("{\"a\":{\"b\":{\"c\":{\"d\":1}}}}")))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("nesting depth");
        byte[] big = new byte[101];
        Arrays.fill(big, (byte) ' ');
        assertThatThrownBy(() -> strict.parse(big)).hasMessageContaining("exceeds the limit of 100 bytes");
        assertThatThrownBy(() -> strict.parse(utf8("{\"s\":\"01234567890123\"}")))
                .hasMessageContaining("String value length");
    }

    @Test
    void deeplyNestedHostileDocumentFailsCleanly() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> parser.parse(utf8(deep))).isInstanceOf(MalformedPayloadException.class);
    }

    @Test
    void topLevelScalarsAreValues() {
        assertThat(parser.parse(utf8("42")).value()).isEqualTo(42L);
        assertThat(parser.parse(utf8("\"x\"")).value()).isEqualTo("x");
        assertThat(parser.parse(utf8("null")).value()).isNull();
    }
}
