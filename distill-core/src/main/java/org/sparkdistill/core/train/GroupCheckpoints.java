package org.sparkdistill.core.train;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of every group of a run in one {@link CheckpointStore}: one group's (the lone student's, in folders
 * {@code step-…}) or, where groups codistill, each group's in folders {@code group-<g>-step-…}.
 *
 * <p>Codistilling groups exchange parameters at the same steps, so they resume together, from the newest step at which
 * every group has an intact checkpoint; a step some group lacks (its leader died before writing it) or holds damaged
 * is passed over for an older one. Each group's leader writes its group's checkpoints; see {@link Checkpoints}. Not
 * thread-safe.
 */
public final class GroupCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCheckpoints.class);

    private final List<Checkpoints> groups;

    /** The checkpoints of {@code groupCount} groups in {@code store}. */
    public GroupCheckpoints(CheckpointStore store, int groupCount) {
        if (groupCount < 1) {
            throw new IllegalArgumentException("groupCount = " + groupCount + ": need at least one group");
        }
        List<Checkpoints> each = new ArrayList<>();
        for (int g = 0; g < groupCount; g++) {
            each.add(groupCount == 1 ? new Checkpoints(store) : Checkpoints.ofGroup(store, g));
        }
        this.groups = List.copyOf(each);
    }

    /** The checkpoints of group {@code group}. */
    public Checkpoints group(int group) {
        return groups.get(group);
    }

    /**
     * Every group's checkpoint of the newest step at which all of them have an intact one, in group order, if there is
     * such a step; damaged folders passed over are logged as warnings.
     */
    public Optional<List<Checkpoints.Checkpoint>> latest() {
        return latest(LOG::warn);
    }

    /**
     * As {@link #latest()}, reporting each damaged folder passed over to {@code skipped} with the file and the reason.
     */
    public Optional<List<Checkpoints.Checkpoint>> latest(Consumer<String> skipped) {
        if (groups.size() == 1) {
            return groups.get(0).latest(skipped).map(List::of);
        }
        // One listing of the store per group; only steps every group has are read.
        List<Long> common = new ArrayList<>(groups.get(0).steps());
        for (Checkpoints group : groups.subList(1, groups.size())) {
            common.retainAll(new HashSet<>(group.steps()));
        }
        for (long step : common) {
            List<Checkpoints.Checkpoint> every = new ArrayList<>();
            for (Checkpoints group : groups) {
                Optional<Checkpoints.Checkpoint> intact = group.intact(step, skipped);
                if (intact.isEmpty()) {
                    break;
                }
                every.add(intact.get());
            }
            if (every.size() == groups.size()) {
                return Optional.of(List.copyOf(every));
            }
        }
        return Optional.empty();
    }
}
