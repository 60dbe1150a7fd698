package io.iotconnect.cosmos.writer;

import io.iotconnect.cosmos.config.CosmosSinkConfig;
import io.iotconnect.cosmos.config.TombstoneHandling;
import io.iotconnect.cosmos.config.WriteStrategy;

import java.time.Duration;

/**
 * How the writer writes: the strategy and what it needs, tombstones, concurrency and the retry budget.
 *
 * @param newerField with {@link WriteStrategy#UPSERT_IF_NEWER}: the document field whose larger value is newer
 * @param patch with {@link WriteStrategy#PATCH}: the field operations
 * @param patchCreatesMissing with {@link WriteStrategy#PATCH}: create a missing document from the whole record
 * @param retryBudget how long one batch retries throttled and transient failures
 * @param retryBudgetExhaustedMax how many batches in a row may spend the budget before the records still failing are
 *                                failed records (dead letter queue, or a failed task)
 */
public record WriteSettings(WriteStrategy strategy, String newerField, PatchPlan patch, boolean patchCreatesMissing,
                            TombstoneHandling tombstones, int concurrency, Duration retryBudget, int retryBudgetExhaustedMax) {

    public static WriteSettings from(CosmosSinkConfig config) {
        return new WriteSettings(config.writeStrategy(), config.newerField(),
                new PatchPlan(config.patchDefaultOperation(), config.patchFields()), config.patchCreatesMissing(),
                config.tombstones(), config.maxConcurrency(), config.retryBudget(),
                config.retryBudgetExhaustedMax());
    }
}
