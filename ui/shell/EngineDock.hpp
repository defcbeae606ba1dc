#pragma once
// Engine status at a glance: the compute device, the frame source's state and its counters. Polls every 250 ms
// (counters are atomics in the engine; nothing here waits on an engine thread).

#include <QDockWidget>

class QLabel;

namespace mnemo {
class TestPatternSource;
}

namespace mnemo::ui {

class EngineDock : public QDockWidget {
    Q_OBJECT
public:
    EngineDock(TestPatternSource &source, QWidget *parent = nullptr);

    QString deviceText() const;

private:
    void refresh();
    TestPatternSource &m_source;
    QLabel *m_device;
    QLabel *m_driver;
    QLabel *m_state;
    QLabel *m_frames;
    QLabel *m_render;
};

} // namespace mnemo::ui
