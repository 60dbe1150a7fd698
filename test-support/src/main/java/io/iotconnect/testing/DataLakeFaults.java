package io.iotconnect.testing;

import io.iotconnect.testing.DataLakeServer.Fault;
import io.iotconnect.testing.DataLakeServer.Operation;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The faults armed on a {@link DataLakeServer}: each for a number of requests or a share of them, by operation. */
final class DataLakeFaults {

    private record Rule(Fault fault, Operation operation, AtomicInteger remaining, double share) {
        boolean applies(Operation requested) {
            return operation == Operation.ANY || operation == requested;
        }
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicLong injected = new AtomicLong();

    void add(Fault fault, Operation operation, int times) {
        if (times <= 0) {
            throw new IllegalArgumentException("times must be positive: " + times);
        }
        rules.add(new Rule(fault, operation, new AtomicInteger(times), 0));
    }

    void addShare(Fault fault, Operation operation, double share) {
        if (share <= 0 || share > 1) {
            throw new IllegalArgumentException("share must be in (0, 1]: " + share);
        }
        rules.add(new Rule(fault, operation, null, share));
    }

    void clear() {
        rules.clear();
    }

    long injected() {
        return injected.get();
    }

    /** The fault this request gets, or null; a counted rule is used up by the requests it hit. */
    Fault next(Operation operation) {
        for (Rule rule : rules) {
            if (!rule.applies(operation)) {
                continue;
            }
            if (rule.remaining() == null) {
                if (ThreadLocalRandom.current().nextDouble() < rule.share()) {
                    injected.incrementAndGet();
                    return rule.fault();
                }
                continue;
            }
            int left = rule.remaining().getAndUpdate(n -> Math.max(0, n - 1));
            if (left <= 1) {
                rules.remove(rule);
            }
            if (left > 0) {
                injected.incrementAndGet();
                return rule.fault();
            }
        }
        return null;
    }
}
