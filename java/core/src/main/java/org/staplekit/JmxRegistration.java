package org.staplekit;

import javax.management.ObjectName;

/**
 * An engine's MBean, registered by {@link StaplingEngine#registerMBean}. Closing unregisters it
 * (idempotent); closing the engine does too.
 */
public final class JmxRegistration implements AutoCloseable {
    private final StaplingEngine engine;
    private final ObjectName name;

    JmxRegistration(StaplingEngine engine, ObjectName name) {
        this.engine = engine;
        this.name = name;
    }

    /** The name registered, {@code org.staplekit:type=StaplingEngine,name=...}. */
    public ObjectName name() {
        return name;
    }

    /** Unregisters the MBean if it is still registered; the engine goes on. */
    @Override
    public void close() {
        engine.unregisterMBean(this);
    }

    @Override
    public String toString() {
        return name.toString();
    }
}
