// The camera integrator (Matrix-Game 3.0 constants), camera matrices and the camera-track file format.
#include "mnemo/camera/CameraIntegrator.hpp"
#include "mnemo/camera/CameraTrack.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>

using namespace mnemo;
using namespace mnemo::camera;

namespace {
ControllerTick keys(std::vector<std::string> k) {
    ControllerTick t;
    t.keys = std::move(k);
    return t;
}
float dot3(const float *a, const float *b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
} // namespace

class TestCamera : public QObject {
    Q_OBJECT
private slots:
    // The camera between two poses is the camera of the pose between them: position halfway, yaw the short way
    // round (170 and -170 degrees meet at 180, not 0). Turning at one pitch, the rotation's great arc is the yaw's.
    void interpolatedCameraLiesBetween() {
        const CameraPose a{0, 1.7f, 0, 170, 10}, b{2, 1.7f, 4, -170, 10};
        const CameraPose mid = interpolatePose(a, b, 0.5f);
        QCOMPARE(mid.x, 1.0f);
        QCOMPARE(mid.z, 2.0f);
        QVERIFY(std::abs(std::abs(mid.yawDeg) - 180.0f) < 1e-3f);
        QVERIFY(std::abs(mid.pitchDeg - 10) < 1e-4f);
        QVERIFY(std::abs(interpolatePose({0, 0, 0, 0, -20}, {0, 0, 0, 0, 30}, 0.5f).pitchDeg - 5) < 1e-5f);
        CameraFrame ca{poseToCameraToWorld(a), {100, 100, 50, 40}}, cb{poseToCameraToWorld(b), {100, 100, 50, 40}};
        const CameraFrame c = interpolateCamera(ca, cb, 0.5f);
        const auto expected = poseToCameraToWorld(mid);
        for (size_t i = 0; i < 16; ++i)
            QVERIFY2(std::abs(c.c2w[i] - expected[i]) < 1e-4f, qPrintable(QString::number(i)));
        const CameraFrame quarter = interpolateCamera(ca, cb, 0.25f);
        QVERIFY(std::abs(quarter.c2w[12] - 0.5f) < 1e-6f);
        const auto same = interpolateCamera(ca, cb, 0.0f);
        for (size_t i = 0; i < 16; ++i) QVERIFY(std::abs(same.c2w[i] - ca.c2w[i]) < 1e-5f);
    }

    void forwardMovesAlongPlusZAtMatrixGameSpeed() {
        CameraIntegrator integ;
        const auto poses = integ.advance(keys({"KeyW"}), 10);
        QCOMPARE(poses.size(), size_t(10));
        QVERIFY(std::fabs(poses.back().z - 1.235f) < 1e-4f);
        QVERIFY(std::fabs(poses.back().x) < 1e-5f);
        QCOMPARE(poses.back().y, 1.7f); // walking does not change height
    }

    void diagonalIsNormalised() {
        CameraIntegrator integ;
        const CameraPose p = integ.advance(keys({"KeyW", "KeyD"}), 1).back();
        // 12.35 / sqrt(2) = 8.73 Matrix-Game units per axis, x0.01 here.
        QVERIFY(std::fabs(std::fabs(p.z) - 0.0873f) < 1e-4f);
        QVERIFY(std::fabs(std::fabs(p.x) - 0.0873f) < 1e-4f);
        QVERIFY(std::fabs(std::hypot(p.x, p.z) - 0.1235f) < 1e-5f);
        QVERIFY(p.x < 0); // right of +z is -x in a right-handed, y-up world
        QVERIFY(integ.advance(keys({"KeyW", "KeyS"}), 1).back().z == p.z); // opposite keys cancel
    }

    void yawWrapsIntoPlusMinus180() {
        QCOMPARE(CameraIntegrator::wrapYaw(190.0f), -170.0f);
        QCOMPARE(CameraIntegrator::wrapYaw(-190.0f), 170.0f);
        QCOMPARE(CameraIntegrator::wrapYaw(180.0f), 180.0f);
        QCOMPARE(CameraIntegrator::wrapYaw(-180.0f), 180.0f);
        QCOMPARE(CameraIntegrator::wrapYaw(720.0f + 45.0f), 45.0f);
        CameraIntegrator integ;
        ControllerTick turn;
        turn.mouseDx = 150.0f; // one mouse unit = 15 degrees
        for (int i = 0; i < 13; ++i) integ.advance(turn, 1);
        QVERIFY(std::fabs(integ.pose().yawDeg - (-165.0f)) < 1e-3f); // 195 wrapped
    }

    void mouseDeadzoneSwallowsJitter() {
        CameraIntegrator integ;
        ControllerTick jitter;
        jitter.mouseDx = 2.0f; // 2/150 = 0.0133 units < 0.02
        jitter.mouseDy = -2.0f;
        integ.advance(jitter, 1);
        QCOMPARE(integ.pose().yawDeg, 0.0f);
        QCOMPARE(integ.pose().pitchDeg, 0.0f);
        ControllerTick move;
        move.mouseDx = 4.0f; // 0.0267 units: passes
        integ.advance(move, 1);
        QVERIFY(std::fabs(integ.pose().yawDeg - 0.4f) < 1e-4f);
    }

    void pitchIsClampedAndMouseUpLooksUp() {
        CameraIntegrator integ;
        ControllerTick up;
        up.mouseDy = -3000.0f;
        integ.advance(up, 1);
        QCOMPARE(integ.pose().pitchDeg, 85.0f);
    }

    void translationUsesTheAverageYawOfTheFrame() {
        CameraIntegrator integ;
        ControllerTick tick = keys({"KeyW"});
        tick.mouseDx = 150.0f * 6.0f; // a 90-degree turn within one frame
        const CameraPose p = integ.advance(tick, 1).back();
        // Heading 45 degrees to the right: equal -x and +z components.
        QVERIFY(std::fabs(p.x + p.z) < 1e-5f);
        QVERIFY(p.z > 0);
    }

    void cameraMatrixFollowsTheConventions() {
        CameraPose pose;
        pose.yawDeg = 30;
        pose.pitchDeg = -20;
        pose.x = 3;
        const auto m = poseToCameraToWorld(pose);
        const float *right = &m[0], *down = &m[4], *forward = &m[8];
        QVERIFY(std::fabs(dot3(right, right) - 1) < 1e-5f);
        QVERIFY(std::fabs(dot3(down, down) - 1) < 1e-5f);
        QVERIFY(std::fabs(dot3(right, down)) < 1e-5f);
        QVERIFY(std::fabs(dot3(right, forward)) < 1e-5f);
        QVERIFY(forward[1] < 0); // pitch -20 looks down
        QVERIFY(down[1] < 0);    // camera +y points (mostly) down the world's y
        QCOMPARE(m[12], 3.0f);
        QCOMPARE(m[15], 1.0f);
        const auto k = intrinsicsFromHorizontalFov(90, 640, 360);
        QCOMPARE(k.fx, 320.0f);
        QCOMPARE(k.cy, 180.0f);
    }

    void trackRoundTripsThroughJson() {
        auto track = makeScriptedTrack("out-and-back", 50, 320, 180);
        QVERIFY(track.ok());
        QCOMPARE(track->frames.size(), size_t(50));
        QVERIFY(track->frames[0].controller);
        QTemporaryDir dir;
        const std::string path = dir.filePath("t.json").toStdString();
        QVERIFY(saveCameraTrack(track.value(), path).ok());
        auto loaded = loadCameraTrack(path);
        QVERIFY2(loaded.ok(), loaded.message().c_str());
        QCOMPARE(loaded->frames.size(), size_t(50));
        QCOMPARE(loaded->width, 320u);
        for (int i = 0; i < 16; ++i) QVERIFY(std::fabs(loaded->frames[17].camera.c2w[i] - track->frames[17].camera.c2w[i]) < 1e-5f);
        QCOMPARE(loaded->frames[3].controller->keys, track->frames[3].controller->keys);
        const Intrinsics k = loaded->intrinsicsFor(0, 640, 360);
        QVERIFY(std::fabs(k.fx - 2 * track->frames[0].camera.intrinsics.fx) < 1e-3f);
    }

    void outAndBackReturnsNearTheStart() {
        auto track = makeScriptedTrack("out-and-back", 200, 320, 180);
        QVERIFY(track.ok());
        const auto &last = track->frames.back().camera.c2w;
        const auto &mid = track->frames[89].camera.c2w;
        QVERIFY(std::hypot(mid[12], mid[14]) > 10.0f);        // it went out 90 frames
        QVERIFY(std::hypot(last[12], last[14]) < 0.2f);       // and came back
        QVERIFY(last[10] > 0.99f);                            // still facing +z: it walked backwards
        // The way back retraces the way out: frame 150 is where frame 49 was.
        const auto &back = track->frames[150].camera.c2w, &out = track->frames[49].camera.c2w;
        QVERIFY(std::fabs(back[14] - out[14]) < 0.2f);
    }

    // The explore pattern (world-model data): the same track for a seed, another for another seed, and returns that
    // bring the camera back through poses it had (a third of the frames or more revisit one at least 30 frames older,
    // within 5 cm and 2 degrees), while it still goes places (metres across).
    void exploreIsSeededAndRevisits() {
        auto a = makeScriptedTrack("explore", 400, 64, 64, 30, 3), again = makeScriptedTrack("explore", 400, 64, 64, 30, 3),
             other = makeScriptedTrack("explore", 400, 64, 64, 30, 4);
        QVERIFY(a.ok() && again.ok() && other.ok());
        QCOMPARE(cameraTrackToJson(a.value()), cameraTrackToJson(again.value()));
        QVERIFY(cameraTrackToJson(a.value()) != cameraTrackToJson(other.value()));
        const auto &f = a->frames;
        auto yaw = [](const std::array<float, 16> &m) { return std::atan2(-m[8], m[10]) * 57.29578f; };
        size_t revisits = 0;
        float reach = 0;
        for (size_t i = 0; i < f.size(); ++i) {
            const auto &p = f[i].camera.c2w;
            reach = std::max(reach, std::hypot(p[12], p[14]));
            for (size_t j = 0; j + 30 < i; ++j) {
                const auto &q = f[j].camera.c2w;
                const float turn = std::fmod(std::fabs(yaw(p) - yaw(q)), 360.f);
                if (std::hypot(p[12] - q[12], p[14] - q[14]) < 0.05f && std::min(turn, 360.f - turn) < 2.f) {
                    ++revisits;
                    break;
                }
            }
        }
        qInfo("explore, seed 3: %zu of %zu frames revisit, reach %.1f m", revisits, f.size(), double(reach));
        QVERIFY(revisits * 3 >= f.size());
        QVERIFY(reach > 3.f);
        QVERIFY(f[5].controller.has_value());
    }

    void malformedTracksGiveClearErrors() {
        QVERIFY(loadCameraTrack("/nonexistent/track.json").message().find("/nonexistent/track.json") !=
                std::string::npos);
        QVERIFY(cameraTrackFromJson("{not json", "x.json").message().find("not valid JSON") != std::string::npos);
        QVERIFY(cameraTrackFromJson(R"({"format":"other"})", "x.json").message().find("not a camera track") !=
                std::string::npos);
        QVERIFY(cameraTrackFromJson(R"({"format":"mnemo-camera-track","version":9})", "x.json")
                    .message()
                    .find("version 9") != std::string::npos);
        const auto bad = cameraTrackFromJson(
            R"({"format":"mnemo-camera-track","version":1,"width":4,"height":4,"frames":[{"c2w":[1,2],"intrinsics":[1,1,1,1]}]})",
            "x.json");
        QVERIFY2(bad.message().find("frame 0") != std::string::npos && bad.message().find("'c2w'") != std::string::npos,
                 bad.message().c_str());
        QVERIFY(!makeScriptedTrack("zigzag", 10, 64, 64).ok());
    }

    // Numbers out of range are errors, never casts (fuzz_camera_track found "width": 3.2e31 cast to unsigned).
    void outOfRangeNumbersAreErrors() {
        const std::string frame = R"({"c2w":[1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1],"intrinsics":[4,4,2,2]})";
        auto track = [&](const std::string &fields, const std::string &frameJson) {
            return cameraTrackFromJson(R"({"format":"mnemo-camera-track","version":1,)" + fields + R"(,"frames":[)" +
                                           frameJson + "]}",
                                       "x.json");
        };
        QVERIFY(track(R"("width":4,"height":4)", frame).ok());
        QVERIFY(track(R"("width":4.0,"height":4)", frame).ok()); // a whole number written as a float is fine
        for (const char *fields : {R"("width":3.2e31,"height":4)", R"("width":-4,"height":4)", R"("width":4.5,"height":4)",
                                   R"("width":4,"height":4,"fps":1e300)", R"("width":4,"height":4,"fps":-1)"}) {
            const auto r = track(fields, frame);
            QVERIFY2(!r.ok() && r.message().find("width and height") != std::string::npos, fields);
        }
        QVERIFY(!track(R"("width":4,"height":4)", frame.substr(0, frame.size() - 1) + R"(,"t_us":1e30})").ok());
        const auto hugeC2w = track(R"("width":4,"height":4)", R"({"c2w":[1e39,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1],"intrinsics":[4,4,2,2]})");
        QVERIFY2(!hugeC2w.ok() && hugeC2w.message().find("c2w[0]") != std::string::npos, hugeC2w.message().c_str());
        const auto mouse = track(R"("width":4,"height":4)", frame.substr(0, frame.size() - 1) +
                                                                R"(,"controller":{"keys":["KeyW"],"mouse":[1e40,0]}})");
        QVERIFY2(!mouse.ok() && mouse.message().find("mouse") != std::string::npos, mouse.message().c_str());
        QVERIFY(!track(R"("width":4,"height":4)", "3").ok()); // a frame that is not an object
        const auto version = cameraTrackFromJson(R"({"format":"mnemo-camera-track","version":1e30})", "x.json");
        QVERIFY2(!version.ok() && version.message().find("not a number") != std::string::npos, version.message().c_str());
    }
};

QTEST_APPLESS_MAIN(TestCamera)
#include "tst_camera.moc"
