package org.staplekit;

import java.util.Objects;
import java.util.Optional;

/**
 * The Java half of {@link StaplingEngine#staple} without the native call, for the JNI
 * benchmark: the same two {@link NativeHandle} calls (read locks, reachability fences), the same
 * capturing lambdas and argument reads, the same {@link Optional}, around a stand-in that returns
 * a ready {@link Staple}. Run with the stand-in kept out of line
 * ({@code -XX:CompileCommand=dontinline,org.staplekit.WrapperOverhead::standIn}), as a native
 * method is, so the JIT cannot fold the wrapper away.
 */
public final class WrapperOverhead implements AutoCloseable {
    private final NativeHandle engine = new NativeHandle("bench engine", 1, handle -> { });
    private final NativeHandle chain = new NativeHandle("bench chain", 1, handle -> { });
    private final Staple staple;

    /** A wrapper returning {@code staple} (as the native call would build it) on every call. */
    public WrapperOverhead(Staple staple) {
        this.staple = staple;
    }

    /** What {@link StaplingEngine#staple} does in Java, with {@link #standIn} for the call. */
    public Optional<Staple> staple(ClientStatusRequest request, CertificateChain unused) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(unused, "chain");
        Staple result = engine.call(e -> chain.call(c -> standIn(e, c, request.statusRequest(),
                request.statusRequestV2(), request.version().wire(), request.resumed())));
        return Optional.ofNullable(result);
    }

    /** Stands in for {@code Native.engineStaple}: same arguments, no work. */
    private Staple standIn(long engineHandle, long chainHandle, byte[] statusRequest,
            byte[] statusRequestV2, int version, boolean resumed) {
        return staple;
    }

    @Override
    public void close() {
        engine.close();
        chain.close();
    }
}
