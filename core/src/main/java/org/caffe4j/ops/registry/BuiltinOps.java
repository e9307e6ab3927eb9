package org.caffe4j.ops.registry;

import org.caffe4j.ops.ConvolutionOp;
import org.caffe4j.ops.PointwiseOp;
import org.caffe4j.kernels.act.Pointwise;
import org.caffe4j.ops.DropoutOp;
import org.caffe4j.ops.InnerProductOp;
import org.caffe4j.ops.InputOp;
import org.caffe4j.ops.PoolingOp;
import org.caffe4j.ops.ReluOp;
import org.caffe4j.ops.SoftmaxOp;
import org.caffe4j.ops.LrnOp;
import org.caffe4j.ops.ConcatOp;
import org.caffe4j.ops.SliceOp;
import org.caffe4j.ops.SplitOp;
import org.caffe4j.ops.EltwiseOp;
import org.caffe4j.ops.BatchNormOp;
import org.caffe4j.ops.ScaleOp;
import org.caffe4j.ops.BiasOp;
import org.caffe4j.ops.FlattenOp;
import org.caffe4j.ops.ReshapeOp;
import org.caffe4j.ops.PReluOp;
import org.caffe4j.ops.EluOp;
import org.caffe4j.ops.PowerOp;
import org.caffe4j.ops.ExpOp;
import org.caffe4j.ops.LogOp;
import org.caffe4j.ops.ThresholdOp;
import org.caffe4j.ops.DeconvolutionOp;
import org.caffe4j.ops.CropOp;
import org.caffe4j.ops.ArgMaxOp;
import org.caffe4j.ops.MvnOp;
import org.caffe4j.ops.ReductionOp;
import org.caffe4j.ops.TileOp;
import org.caffe4j.ops.SppOp;
import org.caffe4j.ops.EmbedOp;
import org.caffe4j.ops.Relu6Op;
import org.caffe4j.ops.ShuffleChannelOp;
import org.caffe4j.ops.ConvolutionDepthwiseOp;
import org.caffe4j.ops.InterpOp;
import org.caffe4j.ops.UpsampleOp;
import org.caffe4j.ops.BnOp;
import org.caffe4j.ops.PermuteOp;
import org.caffe4j.ops.NormalizeOp;
import org.caffe4j.ops.PriorBoxOp;
import org.caffe4j.ops.DetectionOutputOp;
import org.caffe4j.ops.RoiPoolingOp;
import org.caffe4j.ops.ProposalOp;
import org.caffe4j.ops.CorrelationOp;
import org.caffe4j.ops.AccumOp;
import org.caffe4j.ops.FlowWarpOp;
import org.caffe4j.ops.ChannelNormOp;
import org.caffe4j.ops.DataAugmentationOp;
import org.caffe4j.ops.DepthwiseConvolutionOp;
import org.caffe4j.ops.ResampleOp;

/** Every layer type caffe4j runs: one line each. */
final class BuiltinOps {
    static final OpRegistry REGISTRY = OpRegistry.of(
            new InputOp(),
            new ConvolutionOp(),
            new ReluOp(),
            new PoolingOp(),
            new DropoutOp(),
            new SoftmaxOp(),
            new InnerProductOp(),
            new LrnOp(),
            new ConcatOp(),
            new SliceOp(),
            new SplitOp(),
            new EltwiseOp(),
            new BatchNormOp(),
            new ScaleOp(),
            new BiasOp(),
            new FlattenOp(),
            new ReshapeOp(),
            new PointwiseOp("Sigmoid", Pointwise::sigmoid),
            new PointwiseOp("TanH", Pointwise::tanh),
            new PReluOp(),
            new EluOp(),
            new PowerOp(),
            new PointwiseOp("AbsVal", Pointwise::abs),
            new PointwiseOp("BNLL", Pointwise::bnll),
            new ExpOp(),
            new LogOp(),
            new ThresholdOp(),
            new DeconvolutionOp(),
            new CropOp(),
            new ArgMaxOp(),
            new MvnOp(),
            new ReductionOp(),
            new TileOp(),
            new SppOp(),
            new EmbedOp(),
            new Relu6Op(),
            new ShuffleChannelOp(),
            new ConvolutionDepthwiseOp(),
            new InterpOp(),
            new UpsampleOp(),
            new BnOp(),
            new PermuteOp(),
            new NormalizeOp(),
            new PriorBoxOp(),
            new DetectionOutputOp(),
            new RoiPoolingOp(),
            new ProposalOp(),
            new CorrelationOp(),
            new AccumOp(),
            new FlowWarpOp(),
            new ChannelNormOp(),
            new DataAugmentationOp(),
            new DepthwiseConvolutionOp(),
            new ResampleOp()
    );

    private BuiltinOps() {
    }
}
