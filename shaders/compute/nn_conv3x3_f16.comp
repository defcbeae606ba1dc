#version 450
#extension GL_GOOGLE_include_directive : require
// The 3x3 convolution with fp16 weights (nn_conv3x3.glsl), for weights fp16 holds exactly.
#define WEIGHTS_FP16 1
#include "nn_conv3x3.glsl"
