#include "mnemo/metrics/WarpError.hpp"

#include "mnemo/core/Guard.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <chrono>

namespace mnemo::metrics {
namespace {

std::string sizeText(const Frame &f) {
    return std::to_string(f.width) + "x" + std::to_string(f.height);
}

Status checkSameSize(const Frame &a, const Frame &b, const char *what) {
    if (a.width == 0 || a.height == 0 || a.rgba.size() < size_t(a.width) * a.height * 4) {
        return {StatusCode::InvalidArgument, std::string(what) + ": empty or truncated frame"};
    }
    if (a.width != b.width || a.height != b.height || b.rgba.size() < size_t(b.width) * b.height * 4) {
        return {StatusCode::InvalidArgument,
                std::string(what) + ": frame sizes differ (" + sizeText(a) + " vs " + sizeText(b) + ")"};
    }
    return {};
}

// Views, not copies: OpenCV reads the frame's own pixels.
cv::Mat rgbaView(const Frame &f) {
    return cv::Mat(int(f.height), int(f.width), CV_8UC4, const_cast<uint8_t *>(f.rgba.data()));
}

cv::Mat luma(const Frame &f) {
    cv::Mat gray;
    cv::cvtColor(rgbaView(f), gray, cv::COLOR_RGBA2GRAY);
    return gray;
}

// An edit that changed the size (an upscaler) is measured at the source's size, where the flow is: the edited frame
// is area-averaged down to it.
Frame atSizeOf(const Frame &edited, const Frame &source) {
    Frame out;
    out.width = source.width;
    out.height = source.height;
    out.index = edited.index;
    out.rgba.resize(size_t(out.width) * out.height * 4);
    cv::Mat to(int(out.height), int(out.width), CV_8UC4, out.rgba.data());
    cv::resize(rgbaView(edited), to, to.size(), 0, 0, cv::INTER_AREA);
    return out;
}

int disPreset(FlowQuality q) {
    switch (q) {
    case FlowQuality::UltraFast: return cv::DISOpticalFlow::PRESET_ULTRAFAST;
    case FlowQuality::Medium: return cv::DISOpticalFlow::PRESET_MEDIUM;
    case FlowQuality::Fast: break;
    }
    return cv::DISOpticalFlow::PRESET_FAST;
}

// Absolute sampling maps for remap: p + flow(p).
void sampleMaps(const cv::Mat &flow, cv::Mat &mapX, cv::Mat &mapY) {
    mapX.create(flow.size(), CV_32F);
    mapY.create(flow.size(), CV_32F);
    for (int y = 0; y < flow.rows; ++y) {
        const auto *f = flow.ptr<cv::Point2f>(y);
        auto *mx = mapX.ptr<float>(y);
        auto *my = mapY.ptr<float>(y);
        for (int x = 0; x < flow.cols; ++x) {
            mx[x] = float(x) + f[x].x;
            my[x] = float(y) + f[x].y;
        }
    }
}

// UnFlow's forward-backward test in t+1 coordinates: `forwardAtB` is F sampled at p + B(p). 255 = valid.
cv::Mat validMask(const cv::Mat &backward, const cv::Mat &forwardAtB) {
    cv::Mat mask(backward.size(), CV_8U);
    for (int y = 0; y < backward.rows; ++y) {
        const auto *b = backward.ptr<cv::Point2f>(y);
        const auto *f = forwardAtB.ptr<cv::Point2f>(y);
        auto *m = mask.ptr<uint8_t>(y);
        for (int x = 0; x < backward.cols; ++x) {
            const cv::Point2f sum = b[x] + f[x];
            const float lhs = sum.dot(sum);
            const float rhs = 0.01f * (b[x].dot(b[x]) + f[x].dot(f[x])) + 0.5f;
            m[x] = lhs > rhs ? 0 : 255;
        }
    }
    return mask;
}

// Mean |a - b| over RGB where mask is set; returns the count of pixels used.
double maskedMae(const cv::Mat &a, const cv::Mat &b, const cv::Mat &mask, size_t &used) {
    double sum = 0;
    used = 0;
    for (int y = 0; y < a.rows; ++y) {
        const auto *pa = a.ptr<cv::Vec4b>(y);
        const auto *pb = b.ptr<cv::Vec4b>(y);
        const auto *m = mask.ptr<uint8_t>(y);
        for (int x = 0; x < a.cols; ++x) {
            if (!m[x]) continue;
            for (int c = 0; c < 3; ++c)
                sum += std::abs(int(pa[x][c]) - int(pb[x][c]));
            ++used;
        }
    }
    return used ? sum / (3.0 * double(used)) : 0.0;
}

} // namespace

struct WarpErrorMeter::Impl {
    cv::Ptr<cv::DISOpticalFlow> dis;
    std::optional<Frame> previousSource, previousEdited;

    WarpErrorPair measure(const Frame &srcT, const Frame &srcT1, const Frame &editT, const Frame &editT1) {
        const auto start = std::chrono::steady_clock::now();
        const cv::Mat grayT = luma(srcT), grayT1 = luma(srcT1);
        cv::Mat forward, backward;
        dis->calc(grayT, grayT1, forward);
        dis->calc(grayT1, grayT, backward);
        cv::Mat mapX, mapY, forwardAtB, warped;
        sampleMaps(backward, mapX, mapY);
        cv::remap(forward, forwardAtB, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
        cv::Mat mask = validMask(backward, forwardAtB);
        cv::remap(rgbaView(editT), warped, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
        // Pixels whose source position falls outside frame t have nothing to compare with.
        cv::Mat inside;
        cv::inRange(mapX, 0.0f, float(srcT.width - 1), inside);
        cv::Mat insideY;
        cv::inRange(mapY, 0.0f, float(srcT.height - 1), insideY);
        mask &= inside & insideY;
        size_t used = 0;
        WarpErrorPair pair;
        pair.error = maskedMae(rgbaView(editT1), warped, mask, used);
        pair.occludedFraction = 1.0 - double(used) / double(mask.total());
        pair.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        return pair;
    }
};

WarpErrorMeter::WarpErrorMeter(FlowQuality quality) : m_impl(std::make_unique<Impl>()) {
    m_impl->dis = cv::DISOpticalFlow::create(disPreset(quality));
}

WarpErrorMeter::~WarpErrorMeter() = default;

void WarpErrorMeter::reset() {
    m_impl->previousSource.reset();
    m_impl->previousEdited.reset();
}

Result<std::optional<WarpErrorPair>> WarpErrorMeter::push(const Frame &source, const Frame &resized) {
    if (source.width == 0 || source.height == 0 || resized.width == 0 || resized.height == 0 ||
        resized.rgba.size() < size_t(resized.width) * resized.height * 4) {
        return checkSameSize(source, resized, "source and edited frame"); // names what is empty
    }
    const bool sameSize = source.width == resized.width && source.height == resized.height;
    Frame scaled;
    if (!sameSize) { // OpenCV throws its errors: they stop here
        if (Status s = guarded("resampling the edit", [&] { scaled = atSizeOf(resized, source); }); !s.ok()) return s;
    }
    const Frame &edited = sameSize ? resized : scaled;
    std::optional<WarpErrorPair> pair;
    if (m_impl->previousSource) {
        if (Status s = checkSameSize(*m_impl->previousSource, source, "consecutive source frames"); !s.ok()) return s;
        // OpenCV reports failures by throwing cv::Exception: it stops here and becomes the error.
        const Status measured = guarded("measuring the warp error", [&] {
            pair = m_impl->measure(*m_impl->previousSource, source, *m_impl->previousEdited, edited);
        });
        if (!measured.ok()) return measured;
    }
    m_impl->previousSource = source;
    m_impl->previousEdited = edited;
    return pair;
}

struct FlowEstimator::Impl {
    cv::Ptr<cv::DISOpticalFlow> dis;
};

FlowEstimator::FlowEstimator(FlowQuality quality) : m_impl(std::make_unique<Impl>()) {
    m_impl->dis = cv::DISOpticalFlow::create(disPreset(quality));
}

FlowEstimator::~FlowEstimator() = default;

Result<std::vector<float>> FlowEstimator::backward(const Frame &previous, const Frame &current) {
    if (Status s = checkSameSize(previous, current, "consecutive source frames"); !s.ok()) return s;
    std::vector<float> xy(size_t(current.width) * current.height * 2);
    const Status measured = guarded("measuring the source's optical flow", [&] {
        cv::Mat flow(int(current.height), int(current.width), CV_32FC2, xy.data()); // written in place
        m_impl->dis->calc(luma(current), luma(previous), flow);
        if (flow.data != reinterpret_cast<uchar *>(xy.data())) flow.copyTo(cv::Mat(flow.size(), CV_32FC2, xy.data()));
    });
    if (!measured.ok()) return measured;
    return xy;
}

Result<WarpErrorPair> warpError(const Frame &sourceT, const Frame &sourceT1, const Frame &editedT,
                                const Frame &editedT1, FlowQuality quality) {
    WarpErrorMeter meter(quality);
    auto first = meter.push(sourceT, editedT);
    if (!first.ok()) return first.status();
    auto second = meter.push(sourceT1, editedT1);
    if (!second.ok()) return second.status();
    return *second.value();
}

} // namespace mnemo::metrics
