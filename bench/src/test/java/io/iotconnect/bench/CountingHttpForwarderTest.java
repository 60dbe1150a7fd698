package io.iotconnect.bench;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CountingHttpForwarderTest {

    private HttpServer target;
    private CountingHttpForwarder forwarder;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        // A server that echoes what it got: method, path and query, one request header, the body.
        target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String echo = exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("X-Registry-ArtifactId") + " " + body;
            byte[] answer = echo.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            int status = exchange.getRequestURI().getPath().endsWith("/missing") ? 404 : 200;
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        target.start();
        forwarder = CountingHttpForwarder.start("http://127.0.0.1:" + target.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        forwarder.close();
        target.stop(0);
    }

    @Test
    void forwardsRequestsAndAnswersAsTheyAreAndCountsEachByMethodAndPath() throws Exception {
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(forwarder.url() + "/apis/registry/v2/groups/default/artifacts?ifExists=RETURN_OR_UPDATE"))
                .header("X-Registry-ArtifactId", "t-value")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"record\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(post.body()).isEqualTo("POST /apis/registry/v2/groups/default/artifacts?ifExists=RETURN_OR_UPDATE t-value {\"type\":\"record\"}");

        Map<String, Long> before = forwarder.counts();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(forwarder.url() + "/apis/missing")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(404);
        }

        assertThat(forwarder.total()).isEqualTo(4);
        assertThat(forwarder.counts()).containsExactly(
                Map.entry("GET /apis/missing", 3L), Map.entry("POST /apis/registry/v2/groups/default/artifacts", 1L));
        assertThat(CountingHttpForwarder.difference(before, forwarder.counts())).containsExactly(Map.entry("GET /apis/missing", 3L));
    }

    @Test
    void aServerThatIsGoneIsA502AndTheRequestStillCounts() throws Exception {
        target.stop(0);
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(forwarder.url() + "/x")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(502);
        assertThat(forwarder.total()).isEqualTo(1);
    }
}
