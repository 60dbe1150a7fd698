package io.iotconnect.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP proxy that serves {@code CONNECT} only, as corporate proxies in front of Azure do: the tunnel's target
 * must be on 127.0.0.1 (anything else is 403), and with credentials set a request without the right
 * {@code Proxy-Authorization: Basic} header gets {@code 407} with a {@code Proxy-Authenticate} challenge, on the same
 * connection, so a client that answers the challenge can retry there. Once a tunnel is up, bytes are relayed both ways.
 */
public final class HttpConnectProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnectProxy.class);

    private final String expectedAuthorization;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<String> tunnelTargets = new CopyOnWriteArrayList<>();
    private final AtomicLong challenges = new AtomicLong();
    private volatile boolean closed;

    private HttpConnectProxy(String username, String password) throws IOException {
        expectedAuthorization = username == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "connect-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy that lets anyone open tunnels. */
    public static HttpConnectProxy open() {
        return start(null, null);
    }

    /** A proxy that asks for Basic credentials. */
    public static HttpConnectProxy withBasicAuth(String username, String password) {
        return start(username, password);
    }

    private static HttpConnectProxy start(String username, String password) {
        try {
            return new HttpConnectProxy(username, password);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the CONNECT proxy", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The {@code host:port} of every tunnel opened, in order. */
    public List<String> tunnelTargets() {
        return List.copyOf(tunnelTargets);
    }

    /** 407 answers sent (requests without the right credentials). */
    public long challenges() {
        return challenges.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread thread = new Thread(() -> serve(client), "connect-proxy-conn");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("CONNECT proxy stopped accepting", e);
                }
                return;
            }
        }
    }

    private void serve(Socket client) {
        open.add(client);
        try {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                String[] lines = AmqpGateway.readHead(in).split("\r\n");
                String[] request = lines[0].split(" ");
                if (request.length != 3 || !request[0].equals("CONNECT")) {
                    answer(out, "405 Method Not Allowed", "");
                    return;
                }
                String authorization = null;
                for (int i = 1; i < lines.length; i++) {
                    if (lines[i].regionMatches(true, 0, "Proxy-Authorization:", 0, 20)) {
                        authorization = lines[i].substring(20).trim();
                    }
                }
                if (expectedAuthorization != null && !expectedAuthorization.equals(authorization)) {
                    challenges.incrementAndGet();
                    answer(out, "407 Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"iot-connect-test\"\r\n");
                    continue;
                }
                String target = request[1];
                int colon = target.lastIndexOf(':');
                String host = colon < 0 ? target : target.substring(0, colon);
                if (colon < 0 || !(host.equals("127.0.0.1") || host.equals("localhost"))) {
                    answer(out, "403 Forbidden", "");
                    return;
                }
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(target.substring(colon + 1)));
                } catch (IOException | NumberFormatException e) {
                    answer(out, "502 Bad Gateway", "");
                    return;
                }
                open.add(upstream);
                tunnelTargets.add(target);
                out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // Whichever direction ends first closes both sockets, and they leave the set of open ones.
                java.io.Closeable forget = () -> {
                    open.remove(client);
                    open.remove(upstream);
                };
                Relay.pipe(upstream.getInputStream(), out, "connect-proxy-down", client, upstream, forget);
                Relay.pipe(in, upstream.getOutputStream(), "connect-proxy-up", client, upstream, forget);
                return;
            }
        } catch (EOFException e) {
            Relay.closeQuietly(client);
            open.remove(client);
        } catch (IOException e) {
            LOG.debug("CONNECT proxy connection ended", e);
            Relay.closeQuietly(client);
            open.remove(client);
        }
    }

    private static void answer(OutputStream out, String status, String headers) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() {
        closed = true;
        Relay.closeQuietly(server);
        open.forEach(Relay::closeQuietly);
    }
}
