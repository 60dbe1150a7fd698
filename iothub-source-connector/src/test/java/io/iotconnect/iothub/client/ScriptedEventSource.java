package io.iotconnect.iothub.client;

import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link EventSource} the test drives: each {@link #receive} is recorded as a {@link Receive} whose sink the test
 * emits into, errors or completes, and which counts what its subscriber requested.
 */
public final class ScriptedEventSource implements EventSource {

    /** One call of receive: where it opened, and its sink once subscribed. */
    public static final class Receive {
        public final String partitionId;
        public final ReadPosition position;
        public final AtomicLong requested = new AtomicLong();
        public volatile FluxSink<IotHubEvent> sink;
        public volatile boolean cancelled;

        Receive(String partitionId, ReadPosition position) {
            this.partitionId = partitionId;
            this.position = position;
        }

        public void emit(long sequenceNumber) {
            sink.next(TestEvents.telemetry(partitionId, sequenceNumber, "device", "{\"n\":" + sequenceNumber + "}"));
        }
    }

    public final List<Receive> receives = new CopyOnWriteArrayList<>();
    public volatile List<String> partitionIds = new ArrayList<>(List.of("0", "1"));
    public volatile RuntimeException lookupFailure;
    public volatile boolean closed;
    public volatile Long beginSequenceNumber;

    @Override
    public List<String> partitionIds() {
        if (lookupFailure != null) {
            throw lookupFailure;
        }
        return partitionIds;
    }

    @Override
    public Flux<IotHubEvent> receive(String partitionId, ReadPosition position) {
        Receive receive = new Receive(partitionId, position);
        receives.add(receive);
        return Flux.create(sink -> {
            sink.onRequest(receive.requested::addAndGet);
            sink.onCancel(() -> receive.cancelled = true);
            receive.sink = sink;
        }, FluxSink.OverflowStrategy.ERROR);
    }

    public List<Receive> receivesOf(String partitionId) {
        return receives.stream().filter(receive -> receive.partitionId.equals(partitionId)).toList();
    }

    @Override
    public Long beginSequenceNumber(String partitionId) {
        return beginSequenceNumber;
    }

    @Override
    public String consumerGroup() {
        return "connect-group";
    }

    @Override
    public String eventHubName() {
        return "hub";
    }

    @Override
    public void close() {
        closed = true;
    }
}
