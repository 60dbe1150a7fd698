package io.iotconnect.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What stands between a client and Event Hubs in front of the in-repo {@link EventHubsEndpoint}, which speaks plain
 * AMQP only: TLS, as on port 5671 of a namespace, and optionally AMQP over WebSockets, as on port 443 (the HTTP upgrade
 * on {@code /$servicebus/websocket} with the {@code AMQPWSB10} subprotocol, then AMQP frames in binary WebSocket
 * messages). Each accepted connection is relayed to the endpoint's port, so everything the endpoint can do (and count)
 * applies behind it. The certificate is the server certificate of {@link TestCertificates}, for 127.0.0.1 and
 * localhost: a client must trust that test CA. Address it with the SDK's custom endpoint address,
 * {@code https://127.0.0.1:<port>}, since the SDK otherwise connects to the namespace's standard ports.
 */
public final class AmqpGateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpGateway.class);
    /** The path and subprotocol Event Hubs and the Azure AMQP clients use for AMQP over WebSockets. */
    public static final String WEBSOCKET_PATH = "/$servicebus/websocket";
    public static final String WEBSOCKET_PROTOCOL = "AMQPWSB10";
    /** RFC 6455: the GUID a server appends to the client's key for {@code Sec-WebSocket-Accept}. */
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final boolean webSockets;
    private final int targetPort;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong upgrades = new AtomicLong();
    private final AtomicLong refusedUpgrades = new AtomicLong();
    private volatile boolean closed;

    private AmqpGateway(TestCertificates certificates, int targetPort, boolean webSockets) throws Exception {
        this.webSockets = webSockets;
        this.targetPort = targetPort;
        server = tls(certificates).getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ((SSLServerSocket) server).setNeedClientAuth(false);
        acceptor = new Thread(this::accept, "amqp-gateway-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** AMQP over TLS (amqps) in front of the endpoint's plain port. */
    public static AmqpGateway tls(TestCertificates certificates, int targetPort) {
        return start(certificates, targetPort, false);
    }

    /** AMQP over WebSockets over TLS (wss) in front of the endpoint's plain port. */
    public static AmqpGateway webSockets(TestCertificates certificates, int targetPort) {
        return start(certificates, targetPort, true);
    }

    private static AmqpGateway start(TestCertificates certificates, int targetPort, boolean webSockets) {
        try {
            return new AmqpGateway(certificates, targetPort, webSockets);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the AMQP gateway", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The SDK's custom endpoint address for this gateway. */
    public String address() {
        return "https://127.0.0.1:" + port();
    }

    /** TLS connections accepted. */
    public long connections() {
        return connections.get();
    }

    /** WebSocket upgrades completed. */
    public long upgrades() {
        return upgrades.get();
    }

    /** Upgrade requests refused (wrong path, subprotocol or headers). */
    public long refusedUpgrades() {
        return refusedUpgrades.get();
    }

    private static SSLContext tls(TestCertificates certificates) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(certificates.serverKeystoreP12())) {
            keys.load(in, TestCertificates.STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, TestCertificates.STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("AMQP gateway stopped accepting", e);
                }
                return;
            }
            connections.incrementAndGet();
            Thread relay = new Thread(() -> serve(client), "amqp-gateway-conn-" + connections.get());
            relay.setDaemon(true);
            relay.start();
        }
    }

    private void serve(Socket client) {
        open.add(client);
        try (client; Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
            open.add(target);
            InputStream fromClient = client.getInputStream();
            OutputStream toClient = client.getOutputStream();
            if (!webSockets) {
                Relay.pipe(target.getInputStream(), toClient, "amqp-gateway-down", client, target);
                fromClient.transferTo(target.getOutputStream());
                return;
            }
            if (!upgrade(fromClient, toClient)) {
                return;
            }
            WebSocketFrames frames = new WebSocketFrames(toClient);
            Thread down = new Thread(() -> {
                frames.sendAll(target);
                // The endpoint closed the connection: so does the client's side, as a real service's would.
                Relay.closeQuietly(client, target);
            }, "amqp-gateway-ws-down");
            down.setDaemon(true);
            down.start();
            frames.receiveAll(fromClient, target.getOutputStream());
        } catch (EOFException | SocketException e) {
            // The client or the endpoint went away: the relay ends with it.
        } catch (IOException e) {
            LOG.debug("AMQP gateway connection ended", e);
        } finally {
            open.remove(client);
            open.removeIf(Socket::isClosed);
        }
    }

    /** Reads the HTTP upgrade request and answers 101, or 400 and false when it is not an AMQP WebSocket upgrade. */
    private boolean upgrade(InputStream in, OutputStream out) throws IOException {
        String[] lines = readHead(in).split("\r\n");
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
            }
        }
        String key = headers.get("Sec-WebSocket-Key");
        // Proton's WebSocket client sends the target in absolute form (GET https://host/$servicebus/websocket).
        String[] request = lines[0].split(" ");
        String target = request.length == 3 ? request[1].replaceFirst("^(?i)(https?|wss?)://[^/]*", "") : "";
        boolean valid = request.length == 3 && request[0].equals("GET") && target.equals(WEBSOCKET_PATH)
                && request[2].equals("HTTP/1.1")
                && "websocket".equalsIgnoreCase(headers.get("Upgrade"))
                && headers.getOrDefault("Connection", "").toLowerCase(Locale.ROOT).contains("upgrade")
                && "13".equals(headers.get("Sec-WebSocket-Version"))
                && headers.getOrDefault("Sec-WebSocket-Protocol", "").contains(WEBSOCKET_PROTOCOL)
                && key != null;
        if (!valid) {
            refusedUpgrades.incrementAndGet();
            LOG.warn("refused WebSocket upgrade: {}", String.join(" | ", lines));
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return false;
        }
        String accept = Base64.getEncoder().encodeToString(sha1(key + ACCEPT_GUID));
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: " + WEBSOCKET_PROTOCOL + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        upgrades.incrementAndGet();
        return true;
    }

    /** An HTTP request or response head, up to the blank line, read byte by byte so nothing after it is consumed. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last = 0;
        while (last != 0x0D0A0D0A) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside an HTTP head");
            }
            head.write(b);
            last = (last << 8) | b;
            if (head.size() > MAX_HEADER_BYTES) {
                throw new IOException("HTTP head longer than " + MAX_HEADER_BYTES + " bytes");
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    private static byte[] sha1(String text) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the gateway's socket", e);
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.debug("closing a relayed socket", e);
            }
        }
    }

    /**
     * RFC 6455 framing for one upgraded connection: client messages arrive masked and are unmasked into the endpoint;
     * the endpoint's bytes go back as unmasked binary messages. Pings are answered; a close is echoed and ends it.
     */
    private static final class WebSocketFrames {

        private static final int CONTINUATION = 0x0;
        private static final int BINARY = 0x2;
        private static final int CLOSE = 0x8;
        private static final int PING = 0x9;
        private static final int PONG = 0xA;

        private final OutputStream toClient;

        WebSocketFrames(OutputStream toClient) {
            this.toClient = toClient;
        }

        void receiveAll(InputStream fromClient, OutputStream toTarget) throws IOException {
            while (true) {
                int first = readByte(fromClient);
                int second = readByte(fromClient);
                int opcode = first & 0x0F;
                boolean masked = (second & 0x80) != 0;
                long length = second & 0x7F;
                if (length == 126) {
                    length = (readByte(fromClient) << 8) | readByte(fromClient);
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | readByte(fromClient);
                    }
                }
                if (!masked) {
                    throw new IOException("a client frame without a mask (RFC 6455 5.1)");
                }
                byte[] mask = fromClient.readNBytes(4);
                if (length > Integer.MAX_VALUE - 8) {
                    throw new IOException("a WebSocket frame of " + length + " bytes");
                }
                byte[] payload = fromClient.readNBytes((int) length);
                if (payload.length < length || mask.length < 4) {
                    throw new EOFException("connection closed inside a WebSocket frame");
                }
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
                switch (opcode) {
                    case BINARY, CONTINUATION -> {
                        toTarget.write(payload);
                        toTarget.flush();
                    }
                    case PING -> send(PONG, payload, payload.length);
                    case PONG -> {
                        // Unsolicited pong: nothing to do.
                    }
                    case CLOSE -> {
                        send(CLOSE, payload, Math.min(payload.length, 2));
                        return;
                    }
                    default -> throw new IOException("unexpected WebSocket opcode " + opcode);
                }
            }
        }

        void sendAll(Socket target) {
            byte[] buffer = new byte[64 * 1024];
            try {
                InputStream in = target.getInputStream();
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    send(BINARY, buffer, read);
                }
            } catch (IOException e) {
                // The endpoint or the client closed: the other direction ends with its socket.
            }
        }

        private synchronized void send(int opcode, byte[] payload, int length) throws IOException {
            ByteArrayOutputStream frame = new ByteArrayOutputStream(length + 10);
            frame.write(0x80 | opcode);
            if (length < 126) {
                frame.write(length);
            } else if (length <= 0xFFFF) {
                frame.write(126);
                frame.write(length >>> 8);
                frame.write(length & 0xFF);
            } else {
                frame.write(127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    frame.write((int) (((long) length >>> shift) & 0xFF));
                }
            }
            frame.write(payload, 0, length);
            frame.writeTo(toClient);
            toClient.flush();
        }

        private static int readByte(InputStream in) throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed between WebSocket frames");
            }
            return b;
        }
    }
}
