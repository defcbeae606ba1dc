#include "EngineDock.hpp"

#include "mnemo/render/TestPatternSource.hpp"

#include <QFormLayout>
#include <QLabel>
#include <QTimer>

namespace mnemo::ui {

EngineDock::EngineDock(TestPatternSource &source, QWidget *parent)
    : QDockWidget(tr("Engine"), parent), m_source(source), m_device(new QLabel), m_driver(new QLabel),
      m_state(new QLabel), m_frames(new QLabel), m_render(new QLabel) {
    setObjectName("engineDock");
    auto *body = new QWidget(this);
    auto *form = new QFormLayout(body);
    m_device->setObjectName("engineDevice");
    m_state->setObjectName("engineState");
    m_state->setWordWrap(true);
    for (QLabel *l : {m_device, m_driver, m_state, m_frames, m_render}) {
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    form->addRow(tr("Device"), m_device);
    form->addRow(tr("Driver"), m_driver);
    form->addRow(tr("Source"), m_state);
    form->addRow(tr("Frames"), m_frames);
    form->addRow(tr("Render"), m_render);
    setWidget(body);
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &EngineDock::refresh);
    timer->start(250);
    refresh();
}

QString EngineDock::deviceText() const { return m_device->text(); }

void EngineDock::refresh() {
    switch (m_source.state()) {
    case TestPatternSource::State::Running: {
        const auto info = m_source.deviceInfo();
        m_device->setText(QString::fromStdString(info.name + " (" + info.type + ")"));
        m_driver->setText(QString::fromStdString(info.driverName + " " + info.driverInfo + ", Vulkan " +
                                                 info.vulkanVersion));
        m_state->setText(tr("running: engine test pattern"));
        break;
    }
    case TestPatternSource::State::Failed:
        m_device->setText(tr("unavailable"));
        m_state->setText(tr("failed: %1").arg(QString::fromStdString(m_source.error())));
        break;
    case TestPatternSource::State::Starting: m_state->setText(tr("starting...")); break;
    case TestPatternSource::State::Stopped: m_state->setText(tr("stopped")); break;
    }
    const auto stats = m_source.stats();
    m_frames->setText(tr("%1 produced, %2 dropped by the display, %3 late")
                          .arg(stats.framesProduced)
                          .arg(stats.framesDropped)
                          .arg(stats.lateFrames));
    m_render->setText(tr("%1 ms per frame").arg(stats.lastRenderMs, 0, 'f', 2));
}

} // namespace mnemo::ui
