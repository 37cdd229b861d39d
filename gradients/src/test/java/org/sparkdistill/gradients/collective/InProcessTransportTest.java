package org.sparkdistill.gradients.collective;

import java.time.Duration;
import java.util.List;

/** The transport contract on the in-process transport. */
class InProcessTransportTest extends TransportContract {
    private static final int MAX_FRAME_BYTES = 1 << 16;

    @Override
    List<Transport> group(int size) {
        return InProcessTransport.group(size, Duration.ofMinutes(2), MAX_FRAME_BYTES);
    }

    @Override
    List<Transport> group(int size, Duration timeout) {
        return InProcessTransport.group(size, timeout, 64 << 20);
    }

    @Override
    int maxFrameBytes() {
        return MAX_FRAME_BYTES;
    }
}
