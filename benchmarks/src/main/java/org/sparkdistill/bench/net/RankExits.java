package org.sparkdistill.bench.net;

import java.util.ArrayList;
import java.util.List;

/**
 * How the rank processes of one launch ended.
 *
 * @param exitCodes each rank's exit status, by rank
 * @param firstFailedRank the rank that failed first, after which the others were stopped; -1 if none failed
 */
public record RankExits(List<Integer> exitCodes, int firstFailedRank) {
    public RankExits {
        exitCodes = List.copyOf(exitCodes);
        if (firstFailedRank < -1 || firstFailedRank >= exitCodes.size()) {
            throw new IllegalArgumentException("firstFailedRank = " + firstFailedRank + ": must be in [-1, "
                    + exitCodes.size() + ")");
        }
    }

    /** Whether every rank exited with status 0. */
    public boolean succeeded() {
        return exitCodes.stream().allMatch(code -> code == 0);
    }

    /** One line for a log: which rank failed first and how every rank ended. */
    public String describe() {
        List<String> ranks = new ArrayList<>();
        for (int rank = 0; rank < exitCodes.size(); rank++) {
            ranks.add("rank " + rank + ": " + exitCodes.get(rank));
        }
        String statuses = "exit status " + String.join(", ", ranks);
        return firstFailedRank < 0 ? statuses
                : "rank " + firstFailedRank + " failed first and the others were stopped; " + statuses;
    }
}
