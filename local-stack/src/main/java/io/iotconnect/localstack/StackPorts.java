package io.iotconnect.localstack;

import io.iotconnect.testing.DataLakeServerMain;
import io.iotconnect.testing.EventHubsEndpointMain;
import io.iotconnect.testing.LocalPorts;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

/**
 * The stack's ports on 127.0.0.1: the usual ones (Kafka 9092, its controller 9093, Connect 8083, MQTT 1883, Cosmos DB
 * 8081, the ADLS Gen2 endpoint 10000, the IoT Hub's Event Hubs-compatible endpoint 5672) where they are free, a free port in their place where they are taken, so a second stack, a test run or
 * another program on this machine never makes the stack fail to start.
 */
record StackPorts(int kafka, int controller, int connect, int mqtt, int cosmos, int lake, int iothub) {

    static final StackPorts DEFAULTS = new StackPorts(9092, 9093, 8083, 1883, 8081, DataLakeServerMain.DEFAULT_PORT,
            EventHubsEndpointMain.DEFAULT_PORT);

    /** The defaults where free, free ports for the rest; no two the same. */
    static StackPorts choose() {
        Set<Integer> taken = new HashSet<>();
        return new StackPorts(pick(DEFAULTS.kafka, taken), pick(DEFAULTS.controller, taken), pick(DEFAULTS.connect, taken),
                pick(DEFAULTS.mqtt, taken), pick(DEFAULTS.cosmos, taken), pick(DEFAULTS.lake, taken), pick(DEFAULTS.iothub, taken));
    }

    private static int pick(int preferred, Set<Integer> taken) {
        int port = isFree(preferred) && !taken.contains(preferred) ? preferred : freePort(taken);
        taken.add(port);
        return port;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + kafka;
    }

    String connectUrl() {
        return "http://127.0.0.1:" + connect;
    }

    /** The lake endpoint's URL for an account: {@code http://127.0.0.1:PORT/<account>}. */
    String lakeEndpoint(String account) {
        return "http://127.0.0.1:" + lake + "/" + account;
    }

    /** The IoT Hub endpoint's address, as its connection string's {@code Endpoint} names it. */
    String iothubEndpoint() {
        return "sb://127.0.0.1:" + iothub;
    }

    /** Which ports differ from the usual ones, for the start-up message; empty when none does. */
    String movedPorts() {
        StringBuilder moved = new StringBuilder();
        moved(moved, "Kafka", DEFAULTS.kafka, kafka);
        moved(moved, "the KRaft controller", DEFAULTS.controller, controller);
        moved(moved, "Connect", DEFAULTS.connect, connect);
        moved(moved, "MQTT", DEFAULTS.mqtt, mqtt);
        moved(moved, "Cosmos DB", DEFAULTS.cosmos, cosmos);
        moved(moved, "the Data Lake", DEFAULTS.lake, lake);
        moved(moved, "the IoT Hub endpoint", DEFAULTS.iothub, iothub);
        return moved.toString();
    }

    private static void moved(StringBuilder text, String what, int usual, int actual) {
        if (usual != actual) {
            text.append(text.length() == 0 ? "" : ", ").append(what).append(' ').append(usual).append(" -> ").append(actual);
        }
    }

    void writeTo(Properties properties) {
        properties.setProperty("port.kafka", Integer.toString(kafka));
        properties.setProperty("port.controller", Integer.toString(controller));
        properties.setProperty("port.connect", Integer.toString(connect));
        properties.setProperty("port.mqtt", Integer.toString(mqtt));
        properties.setProperty("port.cosmos", Integer.toString(cosmos));
        properties.setProperty("port.lake", Integer.toString(lake));
        properties.setProperty("port.iothub", Integer.toString(iothub));
    }

    static StackPorts readFrom(Properties properties) {
        return new StackPorts(port(properties, "kafka"), port(properties, "controller"), port(properties, "connect"),
                port(properties, "mqtt"), port(properties, "cosmos"), port(properties, "lake"),
                port(properties, "iothub"));
    }

    private static int port(Properties properties, String name) {
        return Integer.parseInt(properties.getProperty("port." + name, "0"));
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(Set<Integer> taken) {
        int port = LocalPorts.freePort();
        while (taken.contains(port)) {
            port = LocalPorts.freePort();
        }
        return port;
    }
}
