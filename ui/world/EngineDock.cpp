#include "EngineDock.hpp"

#include "common/ScrollingBody.hpp"

#include "WorldSession.hpp"

#include <QFormLayout>
#include <QLabel>

namespace mnemo::ui {

EngineDock::EngineDock(WorldSession &world, QWidget *parent)
    : QDockWidget(tr("Engine"), parent), m_world(world), m_device(new QLabel), m_driver(new QLabel),
      m_state(new QLabel), m_frames(new QLabel), m_timing(new QLabel) {
    setObjectName("engineDock");
    auto *body = new QWidget(this);
    auto *form = new QFormLayout(body);
    m_device->setObjectName("engineDevice");
    m_state->setObjectName("engineState");
    m_timing->setObjectName("engineTiming");
    for (QLabel *l : {m_device, m_driver, m_state, m_frames, m_timing}) {
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setWordWrap(true);
    }
    form->addRow(tr("Device"), m_device);
    form->addRow(tr("Driver"), m_driver);
    form->addRow(tr("World"), m_state);
    form->addRow(tr("Frames"), m_frames);
    form->addRow(tr("Timing"), m_timing);
    setWidget(scrollingBody(body, this));
    connect(&m_world, &WorldSession::viewChanged, this, &EngineDock::refresh);
    refresh();
}

QString EngineDock::deviceText() const { return m_device->text(); }

void EngineDock::refresh() {
    const modules::ModuleEnvironment *env = m_world.environment();
    if (!env) {
        const QString error = m_world.environmentError();
        m_device->setText(error.isEmpty() ? tr("starting...") : tr("none"));
        m_state->setText(error.isEmpty() ? tr("loading modules") : tr("failed: %1").arg(error));
        return;
    }
    if (env->vulkan) {
        const auto &info = env->vulkan->deviceInfo();
        m_device->setText(QString::fromStdString(info.name + " (" + info.type + ")"));
        m_driver->setText(QString::fromStdString(info.driverName + " " + info.driverInfo + ", Vulkan " +
                                                 info.vulkanVersion));
    } else {
        m_device->setText(tr("none"));
        m_driver->setText(QString::fromStdString(env->vulkanError));
    }
    const WorldView &view = m_world.view();
    QString state = QString::fromStdString(view.moduleId + ": " + view.state);
    if (m_world.moduleIsolated(QString::fromStdString(view.moduleId))) state += tr(" (isolated)");
    if (view.state == "failed" && !view.problem.empty()) state += " — " + QString::fromStdString(view.problem);
    if (view.stats.moduleRestarts > 0) {
        state += tr(" — restarted %1× (last: %2)")
                     .arg(view.stats.moduleRestarts)
                     .arg(QString::fromStdString(view.stats.lastRestartReason));
    }
    m_state->setText(state);
    const world::WorldPipelineStats &stats = view.stats;
    m_frames->setText(tr("%1 generated (%2/s), %3 dropped by the display, %4 late steps")
                          .arg(stats.framesProduced)
                          .arg(stats.producedFps, 0, 'f', 1)
                          .arg(stats.displayDropped)
                          .arg(stats.laggedSteps) +
                      (stats.framesPerWorldFrame > 1
                           ? tr("; shown ×%1 (frames in between interpolated)").arg(stats.framesPerWorldFrame)
                           : QString()));
    QString timing = tr("step %1 ms p50, %2 ms p95; input→display %3 ms p50")
                         .arg(stats.stepMsP50, 0, 'f', 1)
                         .arg(stats.stepMsP95, 0, 'f', 1)
                         .arg(stats.latencyMsP50, 0, 'f', 1);
    if (stats.remote) timing += "\n" + remoteTimingsText(stats);
    m_timing->setText(timing);
}

} // namespace mnemo::ui
