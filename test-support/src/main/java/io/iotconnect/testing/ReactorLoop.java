package io.iotconnect.testing;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.engine.BaseHandler;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Handler;
import org.apache.qpid.proton.reactor.Acceptor;
import org.apache.qpid.proton.reactor.Reactor;
import org.apache.qpid.proton.reactor.ReactorOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A Proton-J reactor listening on one address, on a thread of its own. Proton is single-threaded: other threads hand
 * work to the reactor with {@link #execute}/{@link #call}, which queue it and wake the reactor; the queue is drained
 * whenever the reactor runs out of events, before it blocks in select again.
 */
final class ReactorLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReactorLoop.class);

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Reactor reactor;
    private final Acceptor acceptor;
    private final Thread thread;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    /** Binds {@code host:port} (failing here when it cannot) and starts the reactor thread. */
    ReactorLoop(String host, int port, Handler connectionHandler) throws IOException {
        ReactorOptions options = new ReactorOptions();
        // Incoming connections get a SASL server layer offering ANONYMOUS, the only mechanism the SDK offers.
        options.setEnableSaslByDefault(true);
        reactor = Proton.reactor(options, new TaskRunner());
        acceptor = reactor.acceptor(host, port, connectionHandler);
        thread = new Thread(this::run, "eventhubs-endpoint-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    boolean onReactorThread() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code work} on the reactor thread, soon. */
    void execute(Runnable work) {
        tasks.add(work);
        reactor.wakeup();
    }

    /** Runs {@code work} on the reactor thread and returns its result (inline when already there). */
    <T> T call(Supplier<T> work) {
        if (onReactorThread()) {
            return work.get();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the endpoint's reactor thread did not answer within 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Stops listening, lets {@code beforeStop} close connections, gives their close frames a moment to leave, and
     * stops the reactor.
     */
    void stop(Runnable beforeStop) {
        if (!thread.isAlive()) {
            return;
        }
        execute(() -> {
            acceptor.close();
            beforeStop.run();
            reactor.schedule(200, new BaseHandler() {
                @Override
                public void onTimerTask(Event event) {
                    reactor.stop();
                }
            });
        });
        try {
            stopped.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the endpoint's reactor did not stop cleanly", e);
        }
    }

    @Override
    public void close() {
        stop(() -> { });
    }

    private void run() {
        try {
            reactor.run();
        } catch (RuntimeException e) {
            LOG.error("the endpoint's reactor failed", e);
        } finally {
            reactor.free();
            stopped.complete(null);
        }
    }

    /** The reactor's own handler: runs queued work each time the reactor has no events left. */
    private final class TaskRunner extends BaseHandler {
        @Override
        public void onReactorQuiesced(Event event) {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("a task on the endpoint's reactor failed", e);
                }
            }
        }
    }
}
