package org.sparkdistill.jobs.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.sparkdistill.core.NetworkMemory;
import org.sparkdistill.core.data.Examples;
import org.sparkdistill.core.data.FashionMnist;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.core.metrics.EpochMetrics;
import org.sparkdistill.core.metrics.Evaluator;
import org.sparkdistill.core.teacher.Dl4jTeacher;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.teacher.TeacherEnsemble;
import org.sparkdistill.core.train.Networks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code evaluate}: measures a model on held-out IDX data, and against teachers when given. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Report accuracy, expected calibration error and, with --teacher, agreement and KL.")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "ZIP", description = "DL4J MultiLayerNetwork zip to evaluate.")
    Path model;

    @Option(names = "--data", paramLabel = "DIR", description = "IDX directory with t10k files (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--teacher", paramLabel = "ZIP", description = "Teacher to compare with; repeat for an ensemble.")
    List<Path> teachers = new ArrayList<>();

    @Override
    public Integer call() {
        Examples test = FashionMnist.test(data);
        MultiLayerNetwork network = restore(model);
        Networks.requireShape(network, "model " + model, test.featureCount(), test.numClasses());
        List<Dl4jTeacher> loaded = new ArrayList<>();
        teachers.forEach(t -> loaded.add(Dl4jTeacher.load(t)));
        EpochMetrics m;
        if (loaded.isEmpty()) {
            m = Evaluator.labelsOnly(test).evaluate(network, 0, 0, Double.NaN, 0);
        } else {
            try (TeacherEnsemble ensemble = TeacherEnsemble.of(loaded, EnsembleWeighting.UNIFORM)) {
                ensemble.requireCompatible(test.featureCount(), test.numClasses());
                m = Evaluator.withTeacher(test, ensemble).evaluate(network, 0, 0, Double.NaN, 0);
            }
        }
        NetworkMemory.release(network);
        System.out.printf(Locale.ROOT, "accuracy %.2f%%  agreement %.2f%%  KL %.4f  ECE %.2f%%  (%d examples)%n",
                100 * m.accuracy(), 100 * m.agreement(), m.teacherKl(), 100 * m.ece(), test.size());
        return 0;
    }

    private static MultiLayerNetwork restore(Path file) {
        return ModelZip.read(file, "model file").multiLayerNetwork(false);
    }
}
