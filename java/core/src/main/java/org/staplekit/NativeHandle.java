package org.staplekit;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;

/**
 * Owns one native handle: frees it exactly once, never while a call uses it.
 *
 * <ul>
 *   <li>Calls run under the read lock, so any number run at once; {@link #close()} takes the
 *       write lock, so it waits for the calls in flight and later calls see the handle gone and
 *       throw {@link IllegalStateException}.
 *   <li>A {@link Cleaner} frees the handle once this object becomes unreachable, i.e. when its
 *       owner (which alone refers to it) is dropped without being closed.
 *       {@link Cleaner.Cleanable#clean()} runs the free action at most once, whoever asks first.
 *   <li>{@link Reference#reachabilityFence} keeps this object reachable until a call returns, so
 *       the Cleaner cannot free the handle under a running call even when the owner is no
 *       longer used.
 * </ul>
 */
final class NativeHandle implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    /** A native call on a live handle. */
    @FunctionalInterface
    interface Call<T, X extends Exception> {
        T apply(long handle) throws X;
    }

    /** The handle and how to free it; must not refer to the NativeHandle, or the Cleaner never runs. */
    private static final class State implements Runnable {
        private final LongConsumer free;
        private volatile long handle;

        State(long handle, LongConsumer free) {
            this.handle = handle;
            this.free = free;
        }

        @Override
        public void run() {
            long h = handle;
            handle = 0;
            if (h != 0) {
                free.accept(h);
            }
        }
    }

    private final String kind;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final State state;
    private final Cleaner.Cleanable cleanable;

    /**
     * Takes ownership of {@code handle}, freed by {@code free}. {@code kind} names the owner in
     * "is closed" messages. The owner must not let this object escape.
     */
    NativeHandle(String kind, long handle, LongConsumer free) {
        this.kind = kind;
        this.state = new State(handle, free);
        this.cleanable = CLEANER.register(this, state);
    }

    /**
     * Runs {@code call} with the live handle.
     *
     * @throws IllegalStateException if closed
     */
    <T, X extends Exception> T call(Call<T, X> call) throws X {
        lock.readLock().lock();
        try {
            long handle = state.handle;
            if (handle == 0) {
                throw new IllegalStateException("this " + kind + " is closed");
            }
            return call.apply(handle);
        } finally {
            lock.readLock().unlock();
            Reference.reachabilityFence(this);
        }
    }

    /** Whether {@link #close()} has run (or the Cleaner has). */
    boolean isClosed() {
        return state.handle == 0;
    }

    /** Frees the handle once calls in flight have returned; later calls do nothing. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            cleanable.clean();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
