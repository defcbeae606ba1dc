// The render job of the Edit workspace: the chain as it stands, on its own module instances on a pool thread, from
// the in point to the out point (or the whole source), with progress, an ETA and cancel.
#include "edit/EditSession.hpp"

#include "mnemo/core/Guard.hpp"
#include "mnemo/core/Log.hpp"
#include "mnemo/edit/EditSessionFile.hpp"

#include <QDateTime>
#include <QtConcurrent/QtConcurrentRun>

namespace mnemo::ui {

void EditSession::render(const QString &path, media::VideoCodec codec, int crf) {
    if (m_view.render.running || !m_env) return;
    if (!m_player || isLive()) {
        emit renderFinished(false, tr("Render needs a file source: open a video, an image or a folder of images."));
        return;
    }
    edit::EditRenderConfig config;
    config.input = m_view.source.toStdString();
    config.chain = effectiveChain();
    config.output = path.toStdString();
    config.codec = codec;
    config.crf = crf;
    config.gpu = m_gpuUse;
    config.startFrame = m_view.inPoint.value_or(0);
    if (m_view.outPoint) config.maxFrames = *m_view.outPoint + 1 - config.startFrame;
    m_renderDone->store(0);
    m_renderExpected->store(config.maxFrames);
    m_renderCancel->store(false);
    m_renderStartMs = QDateTime::currentMSecsSinceEpoch();
    m_view.render = EditRenderState{true, 0, config.maxFrames, 0, path, {}};
    m_renderConfig = config;
    auto *env = m_env;
    auto done = m_renderDone, expected = m_renderExpected;
    auto cancel = m_renderCancel;
    m_renderWatcher.setFuture(QtConcurrent::run([env, config, done, expected, cancel]() {
        Result<edit::EditRenderResult> result = Status(StatusCode::Internal, "the render did not run");
        const Status status = guarded("rendering " + config.output, [&] {
            result = edit::renderEdit(*env, config, [&](uint64_t frames, uint64_t total) {
                done->store(frames);
                if (total) expected->store(total);
                return !cancel->load();
            });
        });
        if (!status.ok()) result = status;
        return result;
    }));
    log::info("edit", "rendering to " + config.output);
    publish();
}

void EditSession::cancelRender() { m_renderCancel->store(true); }

void EditSession::onRenderFinished() {
    const Result<edit::EditRenderResult> result = m_renderWatcher.future().result();
    EditRenderState &r = m_view.render;
    r.running = false;
    if (result.ok()) {
        const edit::EditRenderResult &e = result.value();
        r.done = e.frames;
        r.outcome = tr("Rendered %1 frames to %2 at %3 fps; warp error %4")
                        .arg(e.frames)
                        .arg(r.output)
                        .arg(e.fps(), 0, 'f', 1)
                        .arg(e.warpError, 0, 'f', 2);
        const QString sessionFile = r.output + ".edit.json"; // how to make this output again (mnemo-cli edit --replay)
        if (Status s = edit::saveEditSession(sessionFile.toStdString(), m_renderConfig, &e, *m_env->registry); s.ok()) {
            r.outcome += tr("; edit session %1").arg(sessionFile);
        } else {
            log::warning("edit", s.message());
        }
        if (cameraLink() >= 0 && !m_cameraPath->keyframes().empty()) {
            const QString pathFile = r.output + ".camera-path.json"; // the edit's camera travels with its output
            if (saveCameraPath(pathFile)) r.outcome += tr("; camera path saved to %1").arg(pathFile);
        }
        log::info("edit", r.outcome.toStdString());
    } else {
        // A cancelled or failed render keeps what it wrote: the encoder was finished, the file plays.
        r.outcome = m_renderCancel->load() ? tr("Render cancelled; %1 keeps the %2 frames written so far")
                                                 .arg(r.output)
                                                 .arg(m_renderDone->load())
                                           : QString::fromStdString(result.message());
        log::warning("edit", r.outcome.toStdString());
    }
    publish();
    emit renderFinished(result.ok(), r.outcome);
}

} // namespace mnemo::ui
