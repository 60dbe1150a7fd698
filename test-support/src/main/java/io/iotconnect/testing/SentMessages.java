package io.iotconnect.testing;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.message.Message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes what a client's sender delivers into events. A plain delivery (message format 0) is one event; a batch
 * (message format {@code 0x80013700}, what {@code EventHubProducerClient} sends for more than one event) is an
 * envelope, whose message annotations carry the batch's partition key, followed by one Data section per event, each
 * holding a whole encoded AMQP message.
 */
final class SentMessages {

    static final int BATCH_FORMAT = 0x80013700;
    static final Symbol PARTITION_KEY = Symbol.valueOf("x-opt-partition-key");

    /** The events of one delivery and the partition key they were sent with (null when none). */
    record Sent(List<Message> events, String partitionKey) {
    }

    private SentMessages() {
    }

    static Sent decode(byte[] payload, int messageFormat) {
        if (messageFormat != BATCH_FORMAT) {
            Message message = Message.Factory.create();
            message.decode(payload, 0, payload.length);
            return new Sent(List.of(message), partitionKey(message.getMessageAnnotations()));
        }
        DecoderImpl decoder = new DecoderImpl();
        AMQPDefinedTypes.registerAllTypes(decoder, new EncoderImpl(decoder));
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        decoder.setByteBuffer(buffer);
        List<Message> events = new ArrayList<>();
        String partitionKey = null;
        while (buffer.hasRemaining()) {
            Object section = decoder.readObject();
            if (section instanceof Data data) {
                Binary encoded = data.getValue();
                Message event = Message.Factory.create();
                event.decode(encoded.getArray(), encoded.getArrayOffset(), encoded.getLength());
                events.add(event);
            } else if (section instanceof MessageAnnotations annotations) {
                partitionKey = partitionKey(annotations);
            }
        }
        if (partitionKey == null && !events.isEmpty()) {
            partitionKey = partitionKey(events.get(0).getMessageAnnotations());
        }
        return new Sent(events, partitionKey);
    }

    private static String partitionKey(MessageAnnotations annotations) {
        if (annotations == null || annotations.getValue() == null) {
            return null;
        }
        Object key = annotations.getValue().get(PARTITION_KEY);
        return key == null ? null : key.toString();
    }
}
