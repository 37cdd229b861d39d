package org.sparkdistill.core.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.objective.Students;

class OtherGroupsTest {

    @Test
    void theTargetsAreTheOtherGroupsStudentsMeanDistributionAtTheTemperature() {
        MultiLayerNetwork own = Students.cnn(new Adam(0.01), 1L);
        MultiLayerNetwork second = Students.cnn(new Adam(0.01), 2L);
        MultiLayerNetwork third = Students.cnn(new Adam(0.01), 3L);
        INDArray features = Nd4j.rand(DataType.FLOAT, 6, Students.FEATURES);
        INDArray everyGroup = Nd4j.vstack(own.params(), second.params(), third.params());
        try (OtherGroups others = new OtherGroups(own, 0, 3)) {
            assertFalse(others.ready());
            others.update(everyGroup);
            assertTrue(others.ready());
            INDArray mean = second.output(features).add(third.output(features)).divi(2);
            assertTrue(mean.equalsWithEps(others.targets(features, 1.0), 1e-5), "at T = 1");
            INDArray softened = Transforms.softmax(Transforms.log(second.output(features)).divi(3.0))
                    .add(Transforms.softmax(Transforms.log(third.output(features)).divi(3.0))).divi(2);
            assertTrue(softened.equalsWithEps(others.targets(features, 3.0), 1e-5), "at T = 3");
        }
        assertTrue(own.params().equalsWithEps(everyGroup.getRow(0), 0), "the student itself is untouched");
        List.of(own, second, third).forEach(NetworkMemory::release);
    }
}
