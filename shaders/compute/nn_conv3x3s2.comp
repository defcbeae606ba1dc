#version 450
#extension GL_GOOGLE_include_directive : require
// The 3x3 convolution with stride 2 and fp32 weights (nn_conv3x3.glsl).
#define STRIDE 2
#include "nn_conv3x3.glsl"
