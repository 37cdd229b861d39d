package org.sparkdistill.core.train;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** An {@link ObservedLayer} for an output layer, which DL4J must still recognise as one (labels, score). */
final class ObservedOutputLayer extends ObservedLayer implements IOutputLayer {
    private final IOutputLayer output;

    ObservedOutputLayer(Layer layer, int position, BackwardEvents events) {
        super(layer, position, events);
        this.output = (IOutputLayer) layer;
    }

    @Override
    public boolean needsLabels() {
        return output.needsLabels();
    }

    @Override
    public void setLabels(INDArray labels) {
        output.setLabels(labels);
    }

    @Override
    public INDArray getLabels() {
        return output.getLabels();
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        return output.computeScore(fullNetRegTerm, training, workspaceMgr);
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        return output.computeScoreForExamples(fullNetRegTerm, workspaceMgr);
    }

    @Override
    public double f1Score(DataSet data) {
        return output.f1Score(data);
    }

    @Override
    public double f1Score(INDArray examples, INDArray labels) {
        return output.f1Score(examples, labels);
    }

    @Override
    public int numLabels() {
        return output.numLabels();
    }

    @Override
    public void fit(DataSetIterator iterator) {
        output.fit(iterator);
    }

    @Override
    public int[] predict(INDArray examples) {
        return output.predict(examples);
    }

    @Override
    public List<String> predict(DataSet dataSet) {
        return output.predict(dataSet);
    }

    @Override
    public void fit(INDArray examples, INDArray labels) {
        output.fit(examples, labels);
    }

    @Override
    public void fit(DataSet data) {
        output.fit(data);
    }

    @Override
    public void fit(INDArray examples, int[] labels) {
        output.fit(examples, labels);
    }
}
