#pragma once
// Turns controller ticks into the canonical camera track: one pose (and c2w + intrinsics) per generated frame.
// The host owns it, so every world module, memory retrieval and the map see the same camera.
//
// Defaults follow Matrix-Game 3.0's integrator (SkyworkAI/Matrix-Game, Matrix-Game-3/utils/utils.py): W/A/S/D move
// 12.35 units per frame in its units (x0.01 here: 0.1235 world units), diagonals are normalised (8.73 each axis),
// one mouse unit is 15 degrees with a 0.02-unit deadzone, translation uses the average of the yaw before and after
// the frame's turn, roll is 0 and yaw wraps to (-180, 180]. Mouse pixels become mouse units at 1/150 unit per pixel
// (0.1 degree per pixel); the arrow keys turn by 0.1 unit per frame, like Matrix-Game's IJKL keys.

#include "mnemo/camera/Camera.hpp"

namespace mnemo::camera {

struct IntegratorConfig {
    float unitsPerFrame = 0.1235f;
    float degreesPerMouseUnit = 15.0f;
    float mouseUnitsPerPixel = 1.0f / 150.0f;
    float keyTurnUnitsPerFrame = 0.1f;
    float deadzoneUnits = 0.02f;
    float pitchLimitDeg = 85.0f;
    float horizontalFovDeg = 90.0f;
    bool invertMouseY = false;
};

class CameraIntegrator {
public:
    explicit CameraIntegrator(IntegratorConfig config = {}, CameraPose start = {});

    // Advances `frames` frames under one tick: held keys act on every frame, the tick's mouse motion is spread
    // evenly over them. Returns one pose per frame.
    std::vector<CameraPose> advance(const ControllerTick &tick, uint32_t frames);

    const CameraPose &pose() const { return m_pose; }
    void reset(const CameraPose &pose = {}) { m_pose = pose; }
    const IntegratorConfig &config() const { return m_config; }

    static float wrapYaw(float degrees);

private:
    IntegratorConfig m_config;
    CameraPose m_pose;
};

} // namespace mnemo::camera
