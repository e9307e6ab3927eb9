#!/usr/bin/env bash
# Regenerates every golden set under testdata/golden/ from OpenCV's Caffe importer (the independent reference).
# Needs Debian's python3-opencv (4.6.0), python3-protobuf and protobuf-compiler, and a JDK + Maven (for the
# NinTestModel caffemodel). Run from anywhere: tools/golden/regenerate.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
PY=/usr/bin/python3   # Debian's python, the one that has cv2 4.6.0
"$PY" -c 'import cv2; assert cv2.__version__ == "4.6.0", cv2.__version__'
G=testdata/golden
T=tools/golden

# start SET: begins SET's SOURCE.md; step SET CMD...: records CMD in it, then runs it.
start() {
  mkdir -p "$G/$1"
  printf '# %s\n\nMade by `tools/golden/regenerate.sh` (which regenerates every set) with exactly these commands,\nrun from the repository root (see ../README.md and meta.json):\n\n' "$1" > "$G/$1/SOURCE.md"
}
step() {
  local set=$1; shift
  { printf '   '; printf ' %q' "$@"; printf '\n'; } >> "$G/$set/SOURCE.md"
  "$@"
}

# LeNet (real weights) on the first 4 MNIST test digits.
start lenet_mnist
step lenet_mnist "$PY" $T/make_inputs.py mnist testdata/mnist/t10k-images-idx3-ubyte.gz 4 $G/lenet_mnist/data.npy
step lenet_mnist "$PY" $T/dump_blobs.py testdata/lenet_mnist/lenet.prototxt testdata/lenet_mnist/lenet_iter_10000.caffemodel \
  $G/lenet_mnist/data.npy $G/lenet_mnist
step lenet_mnist "$PY" $T/mnist_argmax.py testdata/lenet_mnist/lenet.prototxt testdata/lenet_mnist/lenet_iter_10000.caffemodel \
  testdata/mnist/t10k-images-idx3-ubyte.gz $G/lenet_mnist/opencv_argmax_t10k.txt

# cifar10_quick (real V1 weights) on the 20 CIFAR-10 images, RGB as stored, minus mean.binaryproto.
start cifar10_quick
step cifar10_quick "$PY" $T/make_inputs.py cifar testdata/cifar10_subset/tests.idx testdata/cifar10_quick/mean.binaryproto \
  $G/cifar10_quick/data.npy
step cifar10_quick "$PY" $T/dump_blobs.py testdata/cifar10_quick/cifar10_quick.prototxt \
  testdata/cifar10_quick/cifar10_quick_iter_5000.caffemodel $G/cifar10_quick/data.npy $G/cifar10_quick

# NIN ImageNet: the ORIGINAL V1 train_val + the deterministic NinTestModel caffemodel (built by the test code).
PB=$(sed -n 's:.*<protobuf.version>\(.*\)</protobuf.version>.*:\1:p' pom.xml)
CP="core/target/classes:core/target/test-classes:$HOME/.m2/repository/com/google/protobuf/protobuf-java/$PB/protobuf-java-$PB.jar"
mkdir -p target/nin-test-model
NIN=target/nin-test-model/nin_imagenet_test.caffemodel
start nin_imagenet_cat
start nin_imagenet_fishbike
step nin_imagenet_cat mvn -q -o test-compile -pl core
step nin_imagenet_cat java -cp "$CP" org.caffe4j.testing.NinTestModel $NIN
step nin_imagenet_cat "$PY" $T/make_inputs.py imagenet testdata/images/cat.jpg $G/nin_imagenet_cat/data.npy
step nin_imagenet_cat "$PY" $T/dump_blobs.py testdata/nin_imagenet/train_val.prototxt $NIN $G/nin_imagenet_cat/data.npy \
  $G/nin_imagenet_cat --note "caffemodel = NinTestModel (real weights except seeded conv4-1024/cccp7-1024 weights)"
# fish-bike keeps only the input and the last blobs: the full dump of both images would exceed ~15 MB.
printf '    %s\n' "(the caffemodel: as for nin_imagenet_cat)" >> $G/nin_imagenet_fishbike/SOURCE.md
step nin_imagenet_fishbike "$PY" $T/make_inputs.py imagenet testdata/images/fish-bike.jpg $G/nin_imagenet_fishbike/data.npy
step nin_imagenet_fishbike "$PY" $T/dump_blobs.py testdata/nin_imagenet/train_val.prototxt $NIN $G/nin_imagenet_fishbike/data.npy \
  $G/nin_imagenet_fishbike --only data,pool3,cccp7,cccp8,pool4 \
  --note "only the input and the final blobs are kept to keep testdata small; nin_imagenet_cat has every blob"

# One tiny synthetic net per layer type / tricky parameter.
"$PY" $T/make_layer_nets.py $G/layers
# Guard against recording an OpenCV deviation from Caffe: a float64 NumPy forward pass of every layer case.
"$PY" $T/check_layer_goldens.py $G/layers > /dev/null

# MobileNet-SSD (chuanqi305's published deploy.prototxt, unchanged) with seeded weights (SeededCaffemodel, seed 18,
# written by the test code as MobileNetSsdGoldenTest does) on cat.jpg at 96x96 (the net is fully convolutional; 300x300
# would make the input alone 1 MB): the input, the heads' concatenations and the detections only.
SSD=target/mobilenet-ssd/mobilenet_ssd_seeded.caffemodel
mkdir -p target/mobilenet-ssd
start mobilenet_ssd_cat
step mobilenet_ssd_cat java -cp "$CP" org.caffe4j.testing.SeededCaffemodel testdata/mobilenet_ssd/deploy.prototxt $SSD 18
step mobilenet_ssd_cat "$PY" $T/make_inputs.py ssd testdata/images/cat.jpg 96 $G/mobilenet_ssd_cat/data.npy
step mobilenet_ssd_cat "$PY" $T/dump_blobs.py testdata/mobilenet_ssd/deploy.prototxt $SSD $G/mobilenet_ssd_cat/data.npy \
  $G/mobilenet_ssd_cat --only data,conv11_mbox_priorbox,mbox_loc,mbox_conf_flatten,mbox_priorbox,detection_out \
  --note "caffemodel = SeededCaffemodel(deploy.prototxt, seed 18); detection_out compares as a set per image"

# OpenCV's face detector (res10_300x300_ssd; an earlier revision of its deploy.prototxt, unchanged, see
# testdata/res10_face/SOURCE.md) with seeded weights (seed 7) on cat.jpg at 96x96: Normalize, the heads, detections.
# The input is scaled as MobileNet-SSD's, not the sample's mean subtraction: on 0..255 pixels the seeded weights
# give location offsets in the thousands and infinite boxes.
FACE=target/res10-face/res10_face_seeded.caffemodel
mkdir -p target/res10-face
start res10_face_cat
step res10_face_cat java -cp "$CP" org.caffe4j.testing.SeededCaffemodel testdata/res10_face/deploy.prototxt $FACE 7
step res10_face_cat "$PY" $T/make_inputs.py ssd testdata/images/cat.jpg 96 $G/res10_face_cat/data.npy
step res10_face_cat "$PY" $T/dump_blobs.py testdata/res10_face/deploy.prototxt $FACE $G/res10_face_cat/data.npy \
  $G/res10_face_cat --only data,conv4_3_norm,conv4_3_norm_mbox_priorbox,mbox_loc,mbox_conf_flatten,mbox_priorbox,detection_out \
  --note "caffemodel = SeededCaffemodel(deploy.prototxt, seed 7); detection_out compares as a set per image"

# FlowNet 2.0's FlowNet2-ss (its published deploy template, unchanged, see testdata/flownet2/SOURCE.md) filled in
# as the fork's run-flownet.py does for a 96x60 pair, with seeded weights (seed 21; scale_conv1 left out as the
# published caffemodels leave it, so its diagonal filler acts) on two shifted windows of cat.jpg. OpenCV 4.6 cannot
# read FlowNet's parameters, so the reference is the NumPy pass of check_layer_goldens.py, written from the fork.
FLOW=target/flownet2/flownet2_ss_seeded.caffemodel
FLOWNET=target/flownet2/FlowNet2-ss_96x60.prototxt
mkdir -p target/flownet2
start flownet2_ss_cat
step flownet2_ss_cat "$PY" $T/render_flownet.py testdata/flownet2/FlowNet2-ss_deploy.prototxt.template 96 60 $FLOWNET
step flownet2_ss_cat java -cp "$CP" org.caffe4j.testing.SeededCaffemodel $FLOWNET $FLOW 21 --leave-out scale_conv1
step flownet2_ss_cat "$PY" $T/make_inputs.py flownet testdata/images/cat.jpg 96 60 3 2 \
  $G/flownet2_ss_cat/img0.npy $G/flownet2_ss_cat/img1.npy
step flownet2_ss_cat "$PY" $T/dump_blobs.py $FLOWNET $FLOW $G/flownet2_ss_cat/img0.npy $G/flownet2_ss_cat \
  --input-blob img0 --extra-input img1=$G/flownet2_ss_cat/img1.npy --reference numpy \
  --only img0,img1,img0_nomean,img1_nomean,img0_nomean_resize,img1_nomean_resize,blob19,blob36,blob37,blob38,blob40,blob70,predict_flow_resize,predict_flow_final \
  --note "caffemodel = SeededCaffemodel(FlowNet2-ss_96x60.prototxt, seed 21, without scale_conv1)"

# The Caffe forks' published nets (testdata/zoo, unchanged, provenance in testdata/SOURCE.md) with seeded weights
# on cat.jpg at 96x96 (all end in global pooling, so any size runs) or ENet at 128x128, as mobilenet_ssd_cat: the
# input, a few blobs where the fork's layers act, and the output. OpenCV 4.6 where it can build the net (ShuffleNet
# through the carriers), else the NumPy pass (ENet: BN, Upsample; DepthwiseConvolution, which OpenCV 4.6 cannot create).
fork_net() {  # fork_net SET PROTOTXT SEED SIZE REFERENCE BLOBS [SEEDED-CAFFEMODEL OPTIONS]
  local set=$1 proto=$2 seed=$3 size=$4 ref=$5 blobs=$6
  local model=target/fork-nets/$set.caffemodel
  mkdir -p target/fork-nets
  start "$set"
  step "$set" java -cp "$CP" org.caffe4j.testing.SeededCaffemodel "$proto" "$model" "$seed" "${@:7}"
  step "$set" "$PY" $T/make_inputs.py ssd testdata/images/cat.jpg "$size" "$G/$set/data.npy"
  step "$set" "$PY" $T/dump_blobs.py "$proto" "$model" "$G/$set/data.npy" "$G/$set" --reference "$ref" --only "$blobs" \
    --note "caffemodel = SeededCaffemodel($(basename "$proto"), seed $seed)"
}
fork_net densenet121_cat testdata/zoo/densenet121_deploy.prototxt 31 96 opencv data,pool1,fc6
fork_net shufflenet_g3_cat testdata/zoo/shufflenet_1x_g3_deploy.prototxt 32 96 opencv \
  data,resx1_conv2,shuffle2,shuffle16,fc1000
fork_net shufflenet_v2_cat testdata/zoo/shufflenet_v2_1x_deploy.prototxt 33 96 opencv \
  data,shuffle1,branch2_1,branch16_2_conv2,fc1000
fork_net mobilenet_dw_cat testdata/zoo/mobilenet_1by2_deploy.prototxt 34 96 opencv data,conv2_1/dw,conv6/dw,fc7
fork_net mobilenet_dwconv_cat testdata/zoo/depthwised_mobilenet_deploy.prototxt 35 96 numpy \
  data,conv2_1/dw,conv6/dw,fc7
fork_net enet_cat testdata/zoo/enet_deploy_final.prototxt 36 64 numpy \
  data,bn0_1,pool1_0_4_mask,upsample4_0_4,upsample5_0_4,deconv6_0_0
# SegNet-Basic (its inference prototxt: DenseImageData, LRN, BN, MAX pooling masks, Upsample with pad_out_h) at
# 96x72, the smallest size its pad_out_h fits below CamVid's 480x360.
fork_net segnet_basic_cat testdata/zoo/segnet_basic_inference.prototxt 37 96x72 numpy \
  data,pool1_mask,pool4_mask,upsample4,conv_decode4,prob --input-shape data=1,3,72,96

# Faster R-CNN: OpenCV's deploy of py-faster-rcnn's ZF net (testdata/faster_rcnn, unchanged: Proposal, ROIPooling,
# caffe-fast-rcnn's Dropout scale_train, DetectionOutput with pixel boxes) with seeded weights (seed 38) on cat.jpg
# at 128x128 and im_info (128, 128, 1). NumPy reference: OpenCV 4.6's Proposal skips py-faster-rcnn's min_size
# filter (see layers/proposal).
RCNN=target/fork-nets/faster_rcnn_zf_cat.caffemodel
start faster_rcnn_zf_cat
step faster_rcnn_zf_cat java -cp "$CP" org.caffe4j.testing.SeededCaffemodel testdata/faster_rcnn/faster_rcnn_zf.prototxt \
  $RCNN 38 --input-shape data=1,3,128,128
step faster_rcnn_zf_cat "$PY" $T/make_inputs.py ssd testdata/images/cat.jpg 128 $G/faster_rcnn_zf_cat/data.npy
step faster_rcnn_zf_cat "$PY" $T/make_inputs.py iminfo 128 128 1 $G/faster_rcnn_zf_cat/im_info.npy
step faster_rcnn_zf_cat "$PY" $T/dump_blobs.py testdata/faster_rcnn/faster_rcnn_zf.prototxt $RCNN \
  $G/faster_rcnn_zf_cat/data.npy $G/faster_rcnn_zf_cat --extra-input im_info=$G/faster_rcnn_zf_cat/im_info.npy \
  --reference numpy --only data,im_info,rois,cls_prob,bbox_pred,detection_out \
  --note "caffemodel = SeededCaffemodel(faster_rcnn_zf.prototxt, seed 38); detection_out compares as a set per image"

# PSPNet50 ADE20K (hszhao/PSPNet, unchanged; PSPNet's BN and Interp) at its fixed 473x473 (its pyramid pools and
# Interps are sized for it), seeded weights (seed 39): the pyramid's branches and conv6, the last blob before the
# final 8x zoom (whose 150x473x473 output would weigh 134 MB).
fork_net pspnet50_cat testdata/zoo/pspnet50_ADE20K_473.prototxt 39 473 numpy \
  data,conv5_3_pool1_conv,conv5_3_pool6_conv,conv6
