package io.iotconnect.datalake.partition;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PathEscapingTest {

    @Test
    void escapesWhatHiveEscapesAndNothingElse() {
        assertThat(PathEscaping.escape("dev-01_A.b ~!")).isEqualTo("dev-01_A.b ~!");
        assertThat(PathEscaping.escape("a/b\\c:d=e?f*g\"h'i#j%k[l]m{n}o^p")).isEqualTo(
                "a%2Fb%5Cc%3Ad%3De%3Ff%2Ag%22h%27i%23j%25k%5Bl%5Dm%7Bn%7Do%5Ep");
        assertThat(PathEscaping.escape("tab\there\u007f")).isEqualTo("tab%09here%7F");
    }

    @Test
    void keepsUnicodeAndReplacesLoneSurrogates() {
        assertThat(PathEscaping.escape("Küche-🌡")).isEqualTo("Küche-🌡");
        assertThat(PathEscaping.escape("bad\uD800x")).isEqualTo("bad%EF%BF%BDx");
    }

    @Test
    void emptyAndDotNamesCannotBeDirectoriesOfTheirOwn() {
        assertThat(PathEscaping.escape(null)).isEqualTo(PathEscaping.NULL_VALUE);
        assertThat(PathEscaping.escape("")).isEqualTo(PathEscaping.NULL_VALUE);
        assertThat(PathEscaping.escape(".")).isEqualTo("%2E");
        assertThat(PathEscaping.escape("..")).isEqualTo("%2E%2E");
        assertThat(PathEscaping.escape("...")).isEqualTo("...");
    }

    @Test
    void longValuesAreCutWithoutSplittingAnEscape() {
        String escaped = PathEscaping.escape("x".repeat(199) + "/" + "y".repeat(50));
        assertThat(escaped).hasSize(199).doesNotContain("%");
        assertThat(PathEscaping.escape("z".repeat(500))).hasSize(PathEscaping.MAX_VALUE_CHARS);
    }
}
