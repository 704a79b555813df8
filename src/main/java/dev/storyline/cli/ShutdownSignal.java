package dev.storyline.cli;

import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;

/**
 * Turns SIGTERM and SIGINT into an orderly stop on the main thread, so the process exits 0 (the
 * JVM's own handling would exit 143 and run the stop in a shutdown hook).
 */
final class ShutdownSignal {
    private final CountDownLatch latch = new CountDownLatch(1);

    private ShutdownSignal() {
    }

    static ShutdownSignal install() {
        ShutdownSignal signal = new ShutdownSignal();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), received -> signal.latch.countDown());
        }
        return signal;
    }

    void await() {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
