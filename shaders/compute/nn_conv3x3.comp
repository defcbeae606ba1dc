#version 450
#extension GL_GOOGLE_include_directive : require
// The 3x3 convolution with fp32 weights (nn_conv3x3.glsl).
#include "nn_conv3x3.glsl"
