#include "mnemo/camera/CameraIntegrator.hpp"

#include <algorithm>
#include <cmath>

namespace mnemo::camera {
namespace {
constexpr float kDeg = 3.14159265358979f / 180.0f;

float applyDeadzone(float units, float deadzone) { return std::fabs(units) < deadzone ? 0.0f : units; }
} // namespace

CameraIntegrator::CameraIntegrator(IntegratorConfig config, CameraPose start) : m_config(config), m_pose(start) {}

float CameraIntegrator::wrapYaw(float degrees) {
    float y = std::fmod(degrees, 360.0f);
    if (y > 180.0f) y -= 360.0f;
    if (y <= -180.0f) y += 360.0f;
    return y;
}

std::vector<CameraPose> CameraIntegrator::advance(const ControllerTick &tick, uint32_t frames) {
    std::vector<CameraPose> poses;
    if (frames == 0) return poses;
    poses.reserve(frames);

    // Rotation per frame, in mouse units: the tick's mouse motion spread over the frames, plus arrow keys.
    float yawUnits = tick.mouseDx * m_config.mouseUnitsPerPixel / float(frames);
    float pitchUnits = (m_config.invertMouseY ? 1.0f : -1.0f) * tick.mouseDy * m_config.mouseUnitsPerPixel / float(frames);
    if (tick.held("ArrowRight")) yawUnits += m_config.keyTurnUnitsPerFrame;
    if (tick.held("ArrowLeft")) yawUnits -= m_config.keyTurnUnitsPerFrame;
    if (tick.held("ArrowUp")) pitchUnits += m_config.keyTurnUnitsPerFrame;
    if (tick.held("ArrowDown")) pitchUnits -= m_config.keyTurnUnitsPerFrame;
    yawUnits = applyDeadzone(yawUnits, m_config.deadzoneUnits);
    pitchUnits = applyDeadzone(pitchUnits, m_config.deadzoneUnits);

    // Translation direction in the camera's horizontal frame: +forward, +right. Diagonals are normalised.
    float forward = float(tick.held("KeyW")) - float(tick.held("KeyS"));
    float right = float(tick.held("KeyD")) - float(tick.held("KeyA"));
    const float length = std::sqrt(forward * forward + right * right);
    if (length > 0.0f) {
        forward /= length;
        right /= length;
    }

    for (uint32_t i = 0; i < frames; ++i) {
        const float yawBefore = m_pose.yawDeg;
        const float yawAfter = yawBefore + yawUnits * m_config.degreesPerMouseUnit;
        // Translate along the average heading of this frame (before and after its turn), as Matrix-Game does.
        const float heading = 0.5f * (yawBefore + yawAfter) * kDeg;
        const float step = m_config.unitsPerFrame;
        m_pose.x += step * (forward * -std::sin(heading) + right * -std::cos(heading));
        m_pose.z += step * (forward * std::cos(heading) + right * -std::sin(heading));
        m_pose.yawDeg = wrapYaw(yawAfter);
        m_pose.pitchDeg = std::clamp(m_pose.pitchDeg + pitchUnits * m_config.degreesPerMouseUnit,
                                     -m_config.pitchLimitDeg, m_config.pitchLimitDeg);
        poses.push_back(m_pose);
    }
    return poses;
}

} // namespace mnemo::camera
