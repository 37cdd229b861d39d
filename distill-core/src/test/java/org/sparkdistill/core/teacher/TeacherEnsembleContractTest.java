package org.sparkdistill.core.teacher;

import java.util.List;
import org.sparkdistill.core.data.Examples;

/** Live teachers meet the soft-target contract. */
class TeacherEnsembleContractTest extends SoftTargetSourceContract {
    @Override
    protected SoftTargetSource source(List<Teacher> teachers, EnsembleMixture mixture, Examples shard) {
        return TeacherEnsemble.of(teachers, mixture);
    }
}
