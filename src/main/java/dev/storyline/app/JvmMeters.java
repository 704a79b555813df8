package dev.storyline.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

import java.util.List;

/**
 * The JVM's and the process's meters on {@code /metrics}: the same binders Vert.x's own JVM metrics
 * option binds, bound by the application once it is ready (issue 19: binding them while Vert.x is
 * made walks the memory pools, the collectors and the threads through JMX on the start path, ~100 ms
 * that {@code /health} does not need). {@link #close()} lets go of the collector listeners.
 */
final class JvmMeters implements AutoCloseable {
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();

    private JvmMeters() {
    }

    static JvmMeters bind(MeterRegistry registry) {
        JvmMeters meters = new JvmMeters();
        for (MeterBinder binder : List.of(new JvmMemoryMetrics(), meters.gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new JvmCompilationMetrics(), new JvmInfoMetrics(), meters.heapPressure, new ProcessorMetrics(), new UptimeMetrics())) {
            binder.bindTo(registry);
        }
        return meters;
    }

    @Override
    public void close() {
        gc.close();
        heapPressure.close();
    }
}
