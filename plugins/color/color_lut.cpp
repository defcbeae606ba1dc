// color's LUT loader: OpenColorIO reads the file and builds the transform, which is baked here into the lattice
// color.c samples (see color_lut.h). Every failure becomes "LUT 'PATH': what was wrong"; no exception leaves a
// function of the C interface.
#include "color_lut.h"

#include <OpenColorIO/OpenColorIO.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace OCIO = OCIO_NAMESPACE;

namespace {

// A failure on its way to the caller's mnemo_error.
struct LutFailure {
    mnemo_status status;
    std::string what; // without the "LUT 'PATH': " prefix
};

// Messages carry bytes from the file (a quoted line) and from OpenColorIO: keep what is valid UTF-8, one '?' for
// each byte that is not, so the host can print it anywhere.
std::string validUtf8(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
        bool ok = length > 0 && i + length <= text.size();
        for (size_t k = 1; ok && k < length; ++k) ok = (static_cast<unsigned char>(text[i + k]) >> 6) == 0x2;
        if (ok && length == 1 && lead < 0x20 && lead != '\t') ok = false; // control bytes would break a line
        out += ok ? text.substr(i, length) : std::string_view("?");
        i += ok ? length : 1;
    }
    return out;
}

// Copies `message` into the ABI's fixed buffer, cut at a character boundary (never mid-sequence) when too long.
void writeError(mnemo_error *error, const std::string &message) {
    if (!error) return;
    const size_t room = sizeof error->message - 1;
    size_t length = std::min(message.size(), room);
    while (length > 0 && length < message.size() && (static_cast<unsigned char>(message[length]) >> 6) == 0x2) --length;
    std::memcpy(error->message, message.data(), length);
    error->message[length] = '\0';
}

std::string inQuotes(std::string_view line) {
    constexpr size_t kShown = 60;
    return "'" + std::string(line.substr(0, kShown)) + (line.size() > kShown ? "…'" : "'");
}

std::string lowercaseExtension(const std::string &path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

// ---- content checks before OpenColorIO sees the file ----

// What the first bytes say the file is when it is clearly not a text LUT; nullopt when it may be one. Image
// signatures are refused whatever the name; other binary data only for .cube (OpenColorIO also reads binary ICC
// profiles).
std::optional<std::string> notALut(std::string_view head, bool isCube) {
    if (head.starts_with("\x89PNG\r\n\x1a\n")) return "is a PNG image, not a LUT";
    if (head.starts_with("\xff\xd8\xff")) return "is a JPEG image, not a LUT";
    if (head.starts_with("GIF8")) return "is a GIF image, not a LUT";
    if (!isCube) return std::nullopt;
    for (size_t i = 0; i < head.size(); ++i) {
        const auto byte = static_cast<unsigned char>(head[i]);
        if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r' && byte != '\f') {
            char detail[96];
            std::snprintf(detail, sizeof detail, "is not a text .cube LUT (binary byte 0x%02x at offset %zu)", byte, i);
            return std::string(detail);
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> tokens(std::string_view line) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        const size_t start = i;
        while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

// Locale-independent (the host may be a Qt app with a decimal comma): the whole token must be the number.
bool isNumber(std::string_view token) {
    if (token.starts_with('+')) token.remove_prefix(1);
    float value = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    return ec == std::errc() && end == token.data() + token.size() && !token.empty();
}

// The shape a .cube file declares: Iridas files have one of the two sizes, Resolve files may have a 1D shaper
// before the 3D LUT; either way the entries follow, 1D first.
struct CubeShape {
    uint64_t size1d = 0;
    uint64_t size3d = 0;
    uint64_t entries() const { return size1d + size3d * size3d * size3d; }
};

// Numbers after a keyword: `count` of them, or what is wrong.
std::optional<std::string> keywordNumbers(const std::vector<std::string_view> &t, size_t count) {
    if (t.size() != count + 1) {
        return std::string(t[0]) + " needs " + std::to_string(count) + " numbers, found " + std::to_string(t.size() - 1);
    }
    for (size_t i = 1; i < t.size(); ++i) {
        if (!isNumber(t[i])) return std::string(t[0]) + ": " + inQuotes(t[i]) + " is not a number";
    }
    return std::nullopt;
}

std::optional<std::string> sizeKeyword(const std::vector<std::string_view> &t, uint64_t maximum, uint64_t &size) {
    uint64_t value = 0;
    const bool read = t.size() == 2 && std::from_chars(t[1].data(), t[1].data() + t[1].size(), value).ptr ==
                                           t[1].data() + t[1].size();
    if (!read || value < 2 || value > maximum) {
        return std::string(t[0]) + " must be one integer from 2 to " + std::to_string(maximum);
    }
    if (size != 0) return std::string(t[0]) + " appears twice";
    size = value;
    return std::nullopt;
}

// One keyword line of a .cube file (the keywords OpenColorIO's two .cube readers know).
std::optional<std::string> cubeKeyword(const std::vector<std::string_view> &t, CubeShape &shape, uint64_t entries) {
    const std::string_view key = t[0];
    if (key == "TITLE") return std::nullopt;
    if (key == "LUT_1D_SIZE" || key == "LUT_3D_SIZE") {
        if (entries > 0) return std::string(key) + " after the first entry (sizes come before the entries)";
        return key == "LUT_1D_SIZE" ? sizeKeyword(t, 65536, shape.size1d) : sizeKeyword(t, 256, shape.size3d);
    }
    if (key == "DOMAIN_MIN" || key == "DOMAIN_MAX") return keywordNumbers(t, 3);
    if (key == "LUT_1D_INPUT_RANGE" || key == "LUT_3D_INPUT_RANGE") return keywordNumbers(t, 2);
    return "unknown keyword " + inQuotes(key);
}

std::optional<std::string> cubeEntry(const std::vector<std::string_view> &t, const CubeShape &shape,
                                     uint64_t entryNumber) {
    if (shape.entries() == 0) return "an entry before any LUT_3D_SIZE or LUT_1D_SIZE line (is this a .cube LUT?)";
    if (t.size() != 3) return "an entry needs 3 numbers (red green blue), found " + std::to_string(t.size());
    for (const std::string_view &token : t) {
        if (!isNumber(token)) return inQuotes(token) + " is not a number";
    }
    if (entryNumber > shape.entries()) {
        return "entry " + std::to_string(entryNumber) + " is one too many: the sizes declare " +
               std::to_string(shape.entries());
    }
    return std::nullopt;
}

std::string sizesText(const CubeShape &shape) {
    std::string text;
    if (shape.size1d) text += "LUT_1D_SIZE " + std::to_string(shape.size1d);
    if (shape.size3d) text += (text.empty() ? "" : " + ") + std::string("LUT_3D_SIZE ") + std::to_string(shape.size3d);
    return text;
}

// Reads a .cube file the way OpenColorIO will, to name the line that is wrong; returns its shape when it is fine.
std::optional<CubeShape> checkCube(std::istream &in, LutFailure &failure) {
    CubeShape shape;
    uint64_t lineNumber = 0, entries = 0;
    const auto fail = [&](const std::string &what) {
        failure = {MNEMO_ERR_INVALID_ARGUMENT, what};
        return std::nullopt;
    };
    for (std::string line; std::getline(in, line);) {
        ++lineNumber;
        if (!line.empty() && line.back() == '\r') line.pop_back(); // files written on Windows
        const std::vector<std::string_view> t = tokens(line);
        if (t.empty() || t[0].starts_with('#')) continue;
        const bool keyword = std::isalpha(static_cast<unsigned char>(t[0][0])) && !isNumber(t[0]);
        const auto problem = keyword ? cubeKeyword(t, shape, entries) : cubeEntry(t, shape, ++entries);
        if (problem) return fail("line " + std::to_string(lineNumber) + ": " + *problem + " (" + inQuotes(line) + ")");
    }
    if (in.bad()) return fail("could not be read to the end");
    if (shape.entries() == 0) {
        return fail(lineNumber == 0 ? "is empty" : "has no LUT_3D_SIZE or LUT_1D_SIZE line (is this a .cube LUT?)");
    }
    if (entries < shape.entries()) {
        return fail(sizesText(shape) + " needs " + std::to_string(shape.entries()) + " entries, the file ends at line " +
                    std::to_string(lineNumber) + " after " + std::to_string(entries));
    }
    return shape;
}

// The file exists, is a file, and its content may be a LUT; for a .cube, also its shape (a 3D size of 0 otherwise).
std::optional<CubeShape> checkFile(const std::string &path, LutFailure &failure) {
    const auto fail = [&](const std::string &what) {
        failure = {MNEMO_ERR_INVALID_ARGUMENT, what};
        return std::nullopt;
    };
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return fail("no such file");
    if (!std::filesystem::is_regular_file(path, ec)) return fail("is not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot be opened for reading");
    std::string head(512, '\0');
    in.read(head.data(), std::streamsize(head.size()));
    head.resize(size_t(in.gcount()));
    const bool isCube = lowercaseExtension(path) == ".cube";
    if (auto problem = notALut(head, isCube)) return fail(*problem);
    if (!isCube) return CubeShape{};
    in.clear();
    in.seekg(0);
    return checkCube(in, failure);
}

// ---- OpenColorIO ----

// OpenColorIO's message for a file it could not read lists every format it tried, over several lines; keep the
// part about the formats that match the extension, on one line.
std::string condensed(std::string message) {
    const std::string tried = "The formats for the file's extension gave the errors:";
    if (const size_t at = message.find(tried); at != std::string::npos) message = message.substr(at + tried.size());
    std::string out;
    for (char c : message) {
        const bool space = std::isspace(static_cast<unsigned char>(c));
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// The lattice: size^3 RGB points in [0, 1], red fastest, run through the processor in one call.
std::vector<float> bake(const OCIO::ConstCPUProcessorRcPtr &cpu, uint32_t size) {
    std::vector<float> rgb(size_t(size) * size * size * 3);
    const float step = 1.0f / float(size - 1);
    size_t i = 0;
    for (uint32_t b = 0; b < size; ++b) {
        for (uint32_t g = 0; g < size; ++g) {
            for (uint32_t r = 0; r < size; ++r) {
                rgb[i++] = float(r) * step;
                rgb[i++] = float(g) * step;
                rgb[i++] = float(b) * step;
            }
        }
    }
    OCIO::PackedImageDesc image(rgb.data(), long(size) * size * size, 1, 3);
    cpu->apply(image);
    return rgb;
}

std::vector<float> loadWithOcio(const std::string &path, const CubeShape &shape, uint32_t bakeSize) {
    // The file cache is process-wide and keyed by path: drop it so a LUT edited on disk is read again.
    OCIO::ClearAllCaches();
    const OCIO::ConstConfigRcPtr config = OCIO::Config::CreateRaw();
    const OCIO::FileTransformRcPtr transform = OCIO::FileTransform::Create();
    transform->setSrc(path.c_str());
    // Tetrahedral is what grading tools use on a 3D LUT; OpenColorIO refuses it (with a warning) on a 1D-only one.
    // For formats other than .cube the shape is unknown here: OpenColorIO's best for whatever the file holds.
    transform->setInterpolation(shape.size3d ? OCIO::INTERP_TETRAHEDRAL
                                : shape.size1d ? OCIO::INTERP_LINEAR
                                               : OCIO::INTERP_BEST);
    transform->setDirection(OCIO::TRANSFORM_DIR_FORWARD);
    const OCIO::ConstProcessorRcPtr processor = config->getProcessor(transform);
    return bake(processor->getDefaultCPUProcessor(), bakeSize);
}

// Everything that can fail, with every exception caught: the C interface below only copies the result.
std::optional<std::vector<float>> loadLut(const std::string &path, uint32_t &bakeSize, LutFailure &failure) {
    try {
        const auto shape = checkFile(path, failure);
        if (!shape) return std::nullopt;
        bakeSize = uint32_t(std::clamp<uint64_t>(shape->size3d, COLOR_LUT_BAKE_SIZE, COLOR_LUT_MAX_BAKE));
        return loadWithOcio(path, *shape, bakeSize);
    } catch (const OCIO::Exception &e) {
        failure = {MNEMO_ERR_INVALID_ARGUMENT, condensed(e.what())};
    } catch (const std::bad_alloc &) {
        failure = {MNEMO_ERR_OUT_OF_MEMORY, "out of memory while loading it"};
    } catch (const std::exception &e) {
        failure = {MNEMO_ERR_INTERNAL, std::string("could not be loaded: ") + e.what()};
    } catch (...) {
        failure = {MNEMO_ERR_INTERNAL, "could not be loaded (an unknown exception)"};
    }
    return std::nullopt;
}

} // namespace

extern "C" mnemo_status color_lut_load(const char *path, color_lut *out, mnemo_error *error) {
    try {
        const std::string file = path ? path : "";
        uint32_t size = 0;
        LutFailure failure{MNEMO_ERR_INTERNAL, "could not be loaded"};
        auto rgb = loadLut(file, size, failure);
        if (rgb) {
            auto *table = static_cast<float *>(std::malloc(rgb->size() * sizeof(float)));
            if (!table) failure = {MNEMO_ERR_OUT_OF_MEMORY, "out of memory for its table"};
            if (table) {
                std::memcpy(table, rgb->data(), rgb->size() * sizeof(float));
                out->size = size;
                out->rgb = table;
                return MNEMO_OK;
            }
        }
        writeError(error, validUtf8("LUT '" + file + "': " + failure.what));
        return failure.status;
    } catch (...) { // building the message itself ran out of memory
        writeError(error, "LUT: out of memory");
        return MNEMO_ERR_OUT_OF_MEMORY;
    }
}

extern "C" void color_lut_free(color_lut *lut) {
    if (!lut) return;
    std::free(lut->rgb);
    lut->rgb = nullptr;
    lut->size = 0;
}
