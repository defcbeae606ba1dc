// The Edit session's camera path: keyframes for the virtual-camera module, set from the preview (drag, wheel) and
// the keyframe keys, loaded and saved as the documented JSON (docs/camera-path.md). The path is immutable once shared:
// every change makes a new one and hands it to the player, whose thread may be reading the old one.
#include "edit/EditSession.hpp"

#include "mnemo/core/Log.hpp"

#include <algorithm>
#include <cmath>

namespace mnemo::ui {
namespace {

constexpr const char *kVirtualCamera = "virtual-camera";

} // namespace

int EditSession::cameraLink() const {
    for (size_t i = 0; i < m_chain.size(); ++i) {
        if (m_chain[i].moduleId == kVirtualCamera) return int(i);
    }
    return -1;
}

void EditSession::setCameraPath(std::shared_ptr<const edit::CameraPath> path) {
    const bool hadKeys = !m_cameraPath->keyframes().empty();
    m_cameraPath = std::move(path);
    const int camera = cameraLink();
    if (m_player && camera >= 0) {
        m_player->setAutomation(size_t(camera), automationOf(camera));
    }
    if (hadKeys && m_cameraPath->keyframes().empty() && camera >= 0) {
        // Without a path the link's own values rule again: show them.
        for (const auto &[name, value] : m_chain[size_t(camera)].params) {
            if (m_player) m_player->setParam(size_t(camera), name, value);
        }
    }
    emit cameraPathChanged();
}

// Only what a keyframe holds (pan, zoom, roll, tilt): stabilization belongs to the whole path or the link.
modules::ParamValues EditSession::cameraValues() const {
    modules::ParamValues values = edit::CameraPath().at(0); // identity: exactly a keyframe's names
    const modules::ParamValues source = !m_cameraPath->keyframes().empty()
                                            ? m_cameraPath->at(m_view.stats.position)
                                            : (cameraLink() >= 0 ? m_chain[size_t(cameraLink())].params
                                                                 : modules::ParamValues{});
    for (auto &[name, value] : values) {
        if (const auto found = source.find(name); found != source.end()) value = found->second;
    }
    return values;
}

void EditSession::keyCamera() {
    if (cameraLink() < 0) {
        if (!findModule(kVirtualCamera)) return;
        m_chain.insert(m_chain.begin(), {kVirtualCamera, {}, false}); // the camera looks at the source first
        if (m_solo >= 0) ++m_solo;
        chainEdited();
    }
    auto path = std::make_shared<edit::CameraPath>(*m_cameraPath);
    if (Status s = path->setKeyframe(m_view.stats.position, cameraValues()); !s.ok()) {
        log::warning("edit", "camera keyframe: " + s.message());
        return;
    }
    setCameraPath(std::move(path));
}

void EditSession::deleteCameraKey() {
    auto path = std::make_shared<edit::CameraPath>(*m_cameraPath);
    if (path->removeKeyframe(m_view.stats.position)) setCameraPath(std::move(path));
}

void EditSession::clearCameraPath() { setCameraPath(std::make_shared<edit::CameraPath>()); }

void EditSession::nudgeCamera(double panX, double panY, double zoomFactor) {
    const int camera = cameraLink();
    if (camera < 0) return;
    modules::ParamValues values = cameraValues();
    values["pan_x"] = std::clamp(values["pan_x"] + panX, -1.0, 1.0);
    values["pan_y"] = std::clamp(values["pan_y"] + panY, -1.0, 1.0);
    values["zoom"] = std::clamp(values["zoom"] * zoomFactor, 0.25, 8.0);
    if (!m_cameraPath->keyframes().empty()) {
        auto path = std::make_shared<edit::CameraPath>(*m_cameraPath);
        if (path->setKeyframe(m_view.stats.position, values).ok()) setCameraPath(std::move(path));
        return;
    }
    for (const char *name : {"pan_x", "pan_y", "zoom"}) {
        m_chain[size_t(camera)].params[name] = values[name];
        if (m_player) m_player->setParam(size_t(camera), name, values[name]);
    }
    emit cameraPathChanged(); // the form shows the new values
}

bool EditSession::loadCameraPath(const QString &file) {
    auto loaded = edit::loadCameraPath(file.toStdString());
    if (!loaded.ok()) {
        m_view.problem = QString::fromStdString(loaded.message());
        log::error("edit", loaded.message());
        publish();
        return false;
    }
    if (cameraLink() < 0 && findModule(kVirtualCamera)) {
        m_chain.insert(m_chain.begin(), {kVirtualCamera, {}, false});
        chainEdited();
    }
    setCameraPath(std::make_shared<edit::CameraPath>(std::move(loaded.value())));
    return true;
}

bool EditSession::saveCameraPath(const QString &file) {
    if (Status s = edit::saveCameraPath(*m_cameraPath, file.toStdString()); !s.ok()) {
        m_view.problem = QString::fromStdString(s.message());
        log::error("edit", s.message());
        publish();
        return false;
    }
    return true;
}

} // namespace mnemo::ui
