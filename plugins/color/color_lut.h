/*
 * color's LUT loader, the plugin's one C++ file behind a C interface (color.c stays C).
 *
 * OpenColorIO reads the file (.cube, what colorists exchange, and the other LUT formats it knows) and builds the
 * transform; the loader runs that transform once on a lattice of display-encoded RGB in [0, 1] and hands back the
 * result, so the per-pixel path in color.c is a trilinear lookup with no OpenColorIO call in it. A .cube file is
 * checked line by line first, so a malformed one is reported by file, line and what was wrong with it (OpenColorIO's
 * own messages do not always say the line). Nothing thrown inside crosses this interface.
 */
#ifndef MNEMO_COLOR_LUT_H
#define MNEMO_COLOR_LUT_H

#include <mnemo/module.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Lattice points per axis when the file's own 3D LUT is not finer (then its size, up to COLOR_LUT_MAX_BAKE). */
#define COLOR_LUT_BAKE_SIZE 33u
#define COLOR_LUT_MAX_BAKE 129u

typedef struct color_lut {
    uint32_t size; /* lattice points per axis; 0: no LUT */
    /* size^3 RGB triples, red fastest: entry (r, g, b) at rgb[3 * ((b * size + g) * size + r)]. Output values are
     * display-encoded and may lie outside [0, 1] (the sampler clamps). */
    float *rgb;
} color_lut;

/* Loads the LUT file at `path` (UTF-8) and bakes it into `out`. On failure `out` is untouched and `error` reads
 * "LUT 'PATH': what was wrong" (for a .cube, with the line). Free a loaded LUT with color_lut_free. */
mnemo_status color_lut_load(const char *path, color_lut *out, mnemo_error *error);

/* Frees the table and sets size to 0; safe on an empty LUT. */
void color_lut_free(color_lut *lut);

#ifdef __cplusplus
}
#endif

#endif /* MNEMO_COLOR_LUT_H */
