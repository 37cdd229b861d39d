package org.sparkdistill.core.train;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.metrics.PeerMetrics;

/**
 * Which of several peers that train together a run keeps as its student: a given one, or the one with the highest
 * held-out accuracy (the first of those on a tie).
 *
 * @param peer the kept peer's position, or -1 for the most accurate
 */
public record PeerChoice(int peer) implements Serializable {
    private static final int BEST = -1;

    public PeerChoice {
        if (peer < BEST) {
            throw new InvalidInputException("the kept peer = " + peer + " must be a peer's position (>= 0) or best");
        }
    }

    /** The most accurate peer on held-out data. */
    public static PeerChoice best() {
        return new PeerChoice(BEST);
    }

    /** Whether the choice is the most accurate peer rather than a given one. */
    public boolean isBest() {
        return peer == BEST;
    }

    /**
     * The position of the kept peer among {@code peers}, one epoch's held-out metrics.
     *
     * @throws InvalidInputException when a given peer is not among them
     */
    public int choose(List<PeerMetrics> peers) {
        if (isBest()) {
            return peers.stream().max(Comparator.comparingDouble(PeerMetrics::accuracy)
                    .thenComparing(Comparator.comparingInt(PeerMetrics::peer).reversed())).orElseThrow().peer();
        }
        if (peers.stream().noneMatch(p -> p.peer() == peer)) {
            throw new InvalidInputException("the kept peer = " + peer + " but there are " + peers.size() + " peers");
        }
        return peer;
    }

    @Override
    public String toString() {
        return isBest() ? "best" : Integer.toString(peer);
    }
}
