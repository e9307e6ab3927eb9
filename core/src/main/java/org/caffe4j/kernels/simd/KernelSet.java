package org.caffe4j.kernels.simd;

import org.caffe4j.kernels.act.ElementwiseKernels;
import org.caffe4j.kernels.conv.DepthwiseRowKernel;
import org.caffe4j.kernels.conv.WinogradTransformKernel;
import org.caffe4j.kernels.gemm.GemvMicroKernel;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;
import org.caffe4j.kernels.norm.LrnWindowKernel;
import org.caffe4j.kernels.pool.AveragePoolKernel;
import org.caffe4j.kernels.pool.MaxPoolKernel;

/**
 * The inner kernels one model's layers run: {@link Simd#kernels()} (the Vector API's where enabled) or
 * {@link Simd#twins()} (their scalar twins, with the same tile shapes, so the same bits).
 *
 * @param twins whether these are the scalar twins standing in for this machine's vector kernels
 */
public record KernelSet(SgemmMicroKernel sgemm, GemvMicroKernel gemv, WinogradTransformKernel winograd,
                        MaxPoolKernel maxPool, AveragePoolKernel averagePool, DepthwiseRowKernel depthwise,
                        LrnWindowKernel lrn, ElementwiseKernels elementwise, boolean twins) {
}
