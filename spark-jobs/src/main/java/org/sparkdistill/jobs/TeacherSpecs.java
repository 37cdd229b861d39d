package org.sparkdistill.jobs;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.TaskContext;
import org.sparkdistill.core.InvalidInputException;
import org.sparkdistill.core.io.ModelZip;
import org.sparkdistill.core.teacher.TeacherDescription;
import org.sparkdistill.core.teacher.TeacherFormat;
import org.sparkdistill.core.teacher.TeacherLoader;
import org.sparkdistill.core.teacher.EnsembleMixture;
import org.sparkdistill.core.teacher.EnsembleWeighting;
import org.sparkdistill.core.teacher.Teacher;
import org.sparkdistill.core.teacher.TeacherEnsemble;
import org.sparkdistill.jobs.storage.HadoopSettings;
import org.sparkdistill.jobs.storage.LocalCopy;
import org.sparkdistill.jobs.storage.StoragePath;

/**
 * The teachers a job uses: their model files (on any Hadoop file system), the SHA-256 of each as checked on the
 * driver, how to run each, their weights and how the ensemble weighs them.
 *
 * <p>Model files are never held in memory whole nor broadcast: the driver streams each one into a private local copy
 * to hash and check it ({@link #check}), and every task that needs the teachers does the same from the file system
 * ({@link #load}), refusing a file whose hash changed since the driver checked it. The file system settings travel
 * with the specs, so executors reach the files as the driver does.
 *
 * @param descriptions how to run each teacher, its format as found on the driver
 */
public record TeacherSpecs(List<String> paths, List<String> sha256s, List<TeacherDescription> descriptions,
                           double[] weights, EnsembleWeighting weighting, HadoopSettings hadoop) implements Serializable {
    private static final String WHAT = "teacher model file";

    public TeacherSpecs {
        paths = List.copyOf(paths);
        sha256s = List.copyOf(sha256s);
        descriptions = List.copyOf(descriptions);
        weights = weights.clone();
    }

    /**
     * Copies, hashes and checks every model file, on the driver: its format, and a DL4J zip's contents.
     *
     * @throws InvalidInputException naming the file when one does not exist, is not in the format its description
     *     names, or is refused as a model zip
     */
    public static TeacherSpecs check(List<String> paths, List<TeacherDescription> descriptions, double[] weights,
            EnsembleWeighting weighting, Configuration conf) {
        List<String> hashes = new ArrayList<>();
        List<TeacherDescription> found = new ArrayList<>();
        for (int k = 0; k < paths.size(); k++) {
            StoragePath file = StoragePath.of(paths.get(k), conf);
            try (LocalCopy copy = LocalCopy.of(file, WHAT)) {
                TeacherDescription description = descriptions.get(k);
                TeacherFormat format = TeacherLoader.formatOf(copy.file(), file.describe(), description);
                if (format == TeacherFormat.DL4J) {
                    ModelZip.read(copy.file(), WHAT, file.describe());
                }
                found.add(description.withFormat(format));
                hashes.add(copy.sha256());
            }
        }
        return new TeacherSpecs(paths, hashes, found, weights, weighting, HadoopSettings.of(conf));
    }

    /** Teachers whose format, input and output are all taken from their files and the data, weighted uniformly. */
    public static TeacherSpecs check(List<String> paths, Configuration conf) {
        return check(paths, Collections.nCopies(paths.size(), TeacherDescription.DETECTED),
                new double[paths.size()], EnsembleWeighting.UNIFORM, conf);
    }

    /** How each teacher is run ({@link TeacherDescription#settings}), in configuration order. */
    public List<String> settings() {
        return descriptions.stream().map(TeacherDescription::settings).toList();
    }

    /** The teachers' names: their model files' names. */
    public List<String> names() {
        return paths.stream().map(path -> new org.apache.hadoop.fs.Path(path).getName()).toList();
    }

    /**
     * Each teacher's model file size in bytes, in configuration order, as the file system reports it now.
     *
     * @throws InvalidInputException naming the file when it is gone
     */
    public List<Long> fileBytes() {
        Configuration conf = hadoop.toConfiguration();
        List<Long> sizes = new ArrayList<>();
        for (String path : paths) {
            StoragePath file = StoragePath.of(path, conf);
            FileStatus status = file.status();
            if (status == null) {
                throw new InvalidInputException(WHAT + " " + file.describe() + " is gone; do not remove teacher files"
                        + " under a running job");
            }
            sizes.add(status.getLen());
        }
        return sizes;
    }

    /** How the teachers' predictions are combined, as configured. */
    public EnsembleMixture mixture() {
        return weighting == EnsembleWeighting.FIXED ? EnsembleMixture.fixed(names(), weights)
                : EnsembleMixture.of(weighting, paths.size());
    }

    /**
     * Loads the teachers from their model files and combines them as configured. If loading or combining fails, the
     * teachers already loaded are closed before the error propagates. In a Spark task, a teacher may use the task's
     * cores; elsewhere, the machine's.
     *
     * @param dataShape the data's example shape, channels first
     * @throws InvalidInputException naming the file when it cannot be read, is refused, does not fit the data, or no
     *     longer has the hash the driver checked
     */
    public TeacherEnsemble load(int[] dataShape) {
        List<String> names = names();
        List<Teacher> loaded = new ArrayList<>();
        Configuration conf = hadoop.toConfiguration();
        long[] shape = Arrays.stream(dataShape).asLongStream().toArray();
        TaskContext task = TaskContext.get();
        int threads = task == null ? Runtime.getRuntime().availableProcessors() : task.cpus();
        try {
            for (int k = 0; k < paths.size(); k++) {
                StoragePath file = StoragePath.of(paths.get(k), conf);
                try (LocalCopy copy = LocalCopy.of(file, WHAT)) {
                    if (!copy.sha256().equals(sha256s.get(k))) {
                        throw new InvalidInputException(WHAT + " " + file.describe() + " changed while the job ran:"
                                + " its SHA-256 is now " + copy.sha256() + ", but was " + sha256s.get(k) + " when the"
                                + " job started; do not replace teacher files under a running job");
                    }
                    loaded.add(TeacherLoader.load(copy.file(), names.get(k), file.describe(), descriptions.get(k),
                            shape, threads));
                }
            }
            return TeacherEnsemble.of(loaded, mixture());
        } catch (RuntimeException e) {
            loaded.forEach(Teacher::close);
            throw e;
        }
    }

    /**
     * Loads every teacher once, on the driver, to refuse a corrupt file or a shape mismatch before Spark runs.
     *
     * @throws InvalidInputException naming the teacher and what does not fit
     */
    public void requireFit(int[] dataShape, int classes) {
        if (paths.isEmpty()) {
            return;
        }
        try (TeacherEnsemble ensemble = load(dataShape)) {
            ensemble.requireCompatible(Arrays.stream(dataShape).reduce(1, Math::multiplyExact), classes);
        }
    }
}
