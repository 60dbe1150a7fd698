package io.iotconnect.cosmos.writer;

import io.iotconnect.cosmos.config.CosmosSinkConfig;
import io.iotconnect.cosmos.mapping.DocumentMapper;
import io.iotconnect.cosmos.mapping.IdResolver;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one {@code put()} batch: the strategy's {@link WritePlan} maps and sends the first attempt, then this loop
 * retries throttled and transient answers with back-off (honouring retry-after) within a time budget, sends records
 * Cosmos DB rejects to the dead letter queue, and, when the budget is spent too often in a row, turns the records
 * still failing into failed records. Returns only when every record is written or routed.
 */
public final class CosmosWriter {

    private static final Logger log = LoggerFactory.getLogger(CosmosWriter.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final WritePlan plan;
    private final Duration retryBudget;
    private final int exhaustedMax;
    private final ErrantRecordReporter reporter;
    private final WriterMetrics metrics;
    private final Sleeper sleeper;
    private final WritePlan.Failures failures = new WritePlan.Failures() {
        @Override
        public void unmappable(SinkRecord record, DataException reason) {
            fail(record, "cannot be mapped to a document: " + reason.getMessage(), reason);
        }

        @Override
        public boolean routesRecords() {
            return reporter != null;
        }
    };
    /** put() calls in a row that spent the whole retry budget; back to 0 when one writes (or routes) everything. */
    private int exhaustedInARow;

    /** Pauses between retries; replaced in tests. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    public CosmosWriter(Map<String, ContainerTarget> containersByTopic, DocumentMapper mapper, IdResolver ids,
                        WriteSettings settings, ErrantRecordReporter reporter, WriterMetrics metrics) {
        this(containersByTopic, mapper, ids, settings, reporter, metrics, duration -> Thread.sleep(duration.toMillis()),
                WritePlan.writerFor(settings));
    }

    CosmosWriter(Map<String, ContainerTarget> containersByTopic, DocumentMapper mapper, IdResolver ids, WriteSettings settings,
                 ErrantRecordReporter reporter, WriterMetrics metrics, Sleeper sleeper, OperationWriter operations) {
        this.plan = WritePlan.of(settings, new RecordOperations(containersByTopic, mapper, ids, settings.tombstones()),
                operations, metrics);
        this.retryBudget = settings.retryBudget();
        this.exhaustedMax = settings.retryBudgetExhaustedMax();
        this.reporter = reporter;
        this.metrics = metrics;
        this.sleeper = sleeper;
    }

    /**
     * Writes the batch. When the retry budget runs out, throws RetriableException so that Connect delivers the batch
     * again, up to {@code retryBudgetExhaustedMax} times in a row; then the records still failing are failed records.
     * A failed record without a dead letter queue is a ConnectException naming it.
     */
    public void write(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        long deadline = started + retryBudget.toNanos();
        List<Attempt> results = plan.firstAttempt(records instanceof List<SinkRecord> list ? list : new ArrayList<>(records), failures);
        int attempt = 0;
        while (true) {
            List<Attempt> retry = new ArrayList<>();
            Duration retryAfter = Duration.ZERO;
            for (Attempt result : results) {
                Pending pending = result.pending();
                metrics.requestCharge(result.requestCharge());
                switch (WriteOutcome.of(result.status(), pending.kind())) {
                    case DONE -> {
                        if (result.status() == Attempt.NOT_NEWER) {
                            metrics.skippedOlder();
                        } else {
                            metrics.written();
                        }
                    }
                    case RETRY -> {
                        retry.add(result);
                        if (result.status() == 429) {
                            metrics.throttled();
                        }
                        if (result.retryAfter() != null && result.retryAfter().compareTo(retryAfter) > 0) {
                            retryAfter = result.retryAfter();
                        }
                    }
                    default -> fail(pending.record(), "was rejected by Cosmos DB with status " + result.status()
                            + (result.subStatus() != 0 ? "/" + result.subStatus() : "")
                            + " in container '" + pending.target().name() + "' (id '" + pending.id() + "')"
                            + (result.error() != null ? ": " + result.error().getMessage() : ""), result.error());
                }
            }
            if (retry.isEmpty()) {
                break;
            }
            attempt++;
            Duration backoff = backoff(attempt, retryAfter);
            if (System.nanoTime() + backoff.toNanos() > deadline) {
                budgetSpent(retry, records.size());
                break;
            }
            metrics.retried(retry.size());
            log.debug("Retrying {} operations in {} ms (attempt {})", retry.size(), backoff.toMillis(), attempt);
            try {
                sleeper.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException("interrupted while backing off", e);
            }
            results = Attempts.of(plan.writer(), retry.stream().map(Attempt::pending).toList());
        }
        exhaustedInARow = 0;
        metrics.batch(records.size(), System.nanoTime() - started);
    }

    /**
     * The retry budget is spent with {@code stillFailing} not written. Below the limit of budgets in a row: a
     * RetriableException, and Connect delivers the batch again (the records written stay written; writing them again
     * converges). At the limit: each record still failing is a failed record, in offset order, so that no record
     * Cosmos DB keeps refusing holds its partitions for ever.
     */
    private void budgetSpent(List<Attempt> stillFailing, int batchSize) {
        exhaustedInARow++;
        metrics.retryBudgetExhausted();
        String statuses = statuses(stillFailing);
        if (exhaustedInARow < exhaustedMax) {
            log.warn("Retry budget spent ({} of {} times in a row): {} of {} records not written, last answered {}; Connect "
                    + "delivers the batch again", exhaustedInARow, exhaustedMax, stillFailing.size(), batchSize, statuses);
            throw new RetriableException(stillFailing.size() + " of " + batchSize + " records were not written (throttled "
                    + "or transient failures, last answered " + statuses + ") within " + CosmosSinkConfig.RETRY_BUDGET_CONFIG + "="
                    + retryBudget.toMillis() + "; Connect will deliver the batch again (" + exhaustedInARow + " of "
                    + CosmosSinkConfig.RETRY_EXHAUSTED_MAX_CONFIG + "=" + exhaustedMax + " in a row)");
        }
        int times = exhaustedInARow;
        exhaustedInARow = 0;
        log.warn("Retry budget spent {} of {} times in a row: the {} records still not written (last answered {}) are failed "
                + "records, {}", times, exhaustedMax, stillFailing.size(), statuses,
                reporter == null ? "and the task fails (no dead letter queue)" : "sent to the dead letter queue");
        List<Attempt> inOrder = new ArrayList<>(stillFailing);
        inOrder.sort(Comparator.comparing((Attempt attempt) -> attempt.pending().record().topic())
                .thenComparing(attempt -> attempt.pending().record().kafkaPartition())
                .thenComparingLong(attempt -> attempt.pending().record().kafkaOffset()));
        for (Attempt attempt : inOrder) {
            Pending pending = attempt.pending();
            String answer = attempt.status() == 0
                    ? (attempt.error() == null ? "no write: an earlier record of the same document was still failing"
                    : "no answer (status 0)")
                    : "status " + attempt.status() + (attempt.subStatus() != 0 ? "/" + attempt.subStatus() : "");
            fail(pending.record(), "was not written: Cosmos DB answered " + answer + " in container '" + pending.target().name()
                    + "' (id '" + pending.id() + "') through " + times + (times == 1 ? " retry budget" : " retry budgets in a row")
                    + " (" + CosmosSinkConfig.RETRY_BUDGET_CONFIG + "="
                    + retryBudget.toMillis() + ", " + CosmosSinkConfig.RETRY_EXHAUSTED_MAX_CONFIG + "=" + exhaustedMax + ")"
                    + (attempt.error() != null ? ": " + attempt.error().getMessage() : ""), attempt.error());
        }
    }

    /** The statuses of the last answers, most frequent first, like "500 (3), 429 (1)"; status 0 is no answer. */
    private static String statuses(List<Attempt> attempts) {
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        for (Attempt attempt : attempts) {
            counts.merge(attempt.status(), 1, Integer::sum);
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<Integer, Integer>comparingByValue().reversed())
                .map(entry -> "status " + entry.getKey() + " (" + entry.getValue() + ")")
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private void fail(SinkRecord record, String reason, Throwable cause) {
        metrics.failed();
        String message = "Record " + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset() + " " + reason;
        ConnectException error = new ConnectException(message, cause);
        if (reporter == null) {
            throw new ConnectException(message + "; configure errors.tolerance=all and errors.deadletterqueue.topic.name to "
                    + "route such records to a dead letter queue instead", cause);
        }
        reporter.report(record, error);
    }

    static Duration backoff(int attempt, Duration retryAfter) {
        long exponential = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 10));
        return Duration.ofMillis(Math.max(exponential, retryAfter == null ? 0 : retryAfter.toMillis()));
    }
}
