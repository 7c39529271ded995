package org.staplekit.bc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Reads the extension types of the TLS 1.2 ServerHello at the start of a server's bytes. */
final class ServerHello {
    private ServerHello() {}

    /**
     * The extension types of the ServerHello that opens {@code sent}, in order.
     *
     * @throws IllegalArgumentException if {@code sent} does not start with a ServerHello record
     */
    static List<Integer> extensionTypes(byte[] sent) {
        ByteBuffer in = ByteBuffer.wrap(sent);
        require(in.get() == 22, "a handshake record");
        in.getShort(); // record version
        int recordLength = in.getShort() & 0xFFFF;
        require(in.remaining() >= recordLength, "a complete record");
        require(in.get() == 2, "a ServerHello message");
        int messageLength = (in.get() & 0xFF) << 16 | (in.getShort() & 0xFFFF);
        int messageEnd = in.position() + messageLength;
        in.position(in.position() + 2 + 32); // version, random
        int sessionIdLength = in.get() & 0xFF;
        in.position(in.position() + sessionIdLength);
        in.position(in.position() + 2 + 1); // cipher suite, compression method
        List<Integer> types = new ArrayList<>();
        if (in.position() == messageEnd) {
            return types;
        }
        int end = in.position() + 2 + (in.getShort() & 0xFFFF);
        while (in.position() < end) {
            types.add(in.getShort() & 0xFFFF);
            int dataLength = in.getShort() & 0xFFFF;
            in.position(in.position() + dataLength);
        }
        return types;
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalArgumentException("the server's bytes do not start with " + what);
        }
    }
}
